import type { Mention, Polarity, TagResult } from '../review.ts'
import { compilePack, findAll, tokenKeys, type RawMatch } from './cues.ts'
import { cueFeature, scoreThemes, type CompiledModel } from './learner.ts'
import { CONTRAST } from './lexicon.ts'
import type { ThemePack } from './pack.ts'
import { clauseSentiment, cueStance, hasNegator, textSentiment } from './polarity.ts'
import { ROLE_OTHER_PROVIDER, carriesPolarity, tokenRoles } from './story.ts'
import { PAUSE, CLAUSE_BREAK, WORD, analyse, type Segment, type Token } from './text.ts'

type Evidence = 'cue' | 'context' | 'absence' | 'prior'

const SCORE: Record<Evidence, number> = { cue: 0.9, context: 0.65, absence: 0.55, prior: 0.4 }
/**
 * A complaint about another provider in a review praising this one ("other chiropractors had me
 * in and out in five minutes") is read as praise of this clinic by contrast, with less certainty.
 */
const BY_CONTRAST = 0.6
const NO_RIVALS: ReadonlyArray<readonly [number, number]> = []
/** Below this a mention's stance came only from the star rating. */
const PRIOR_ONLY = 0.5
/** Clause sentiment weaker than this is treated as no stance. */
const MIN_SENTIMENT = 0.3

/** Words a clause may start with that are glue, not content, when it is cut out as evidence. */
const LEADING_GLUE: ReadonlySet<string> = new Set(['and', 'so', 'then', 'even', 'also', 'plus'])

/**
 * Builds a tagger for a theme pack. The pack is compiled once into a trie of cue stems; each call
 * is pure (no I/O, clock or randomness) and returns the themes with their review-level polarity
 * and one mention per clause and theme, with evidence offsets into the original text.
 */
/** The cue features of a text, for training the classifier alongside the pack's cues. */
export function createCueFeatures(pack: ThemePack): (text: string) => string[] {
  const compiled = compilePack(pack)
  return (text) => {
    const { tokens, segments } = analyse(text)
    const lastOf = new Int32Array(tokens.length)
    for (let i = 0; i < tokens.length; i++) lastOf[i] = segments[tokens[i]!.segment]!.last
    const kept = resolve(findAll(compiled, tokens, tokens.map(tokenKeys), lastOf), tokens, segments)
    return [...new Set(kept.map((m) => cueFeature(compiled.themeIds[m.p.theme]!)))]
  }
}

export function createTagger(pack: ThemePack, trained?: CompiledModel): (text: string, rating?: number) => TagResult {
  // A model with no theme trained yet (too few examples) has nothing to say: skip its cost.
  const model = trained !== undefined && trained.themeIds.length > 0 ? trained : undefined
  const compiled = compilePack(pack)
  const themeCount = compiled.themeIds.length
  const modelTheme = model?.themeIds.map((id) => compiled.themeIds.indexOf(id))
  const vetoes = new Set(modelTheme?.filter((_, i) => model!.canVeto[i]))

  return function tag(text: string, rating?: number): TagResult {
    const { tokens, segments } = analyse(text)
    const matches = findMatches(tokens, segments)
    if (matches.length === 0 && model === undefined && pack.fallbackTheme === undefined) return { themes: {}, mentions: [] }
    let kept = resolve(matches, tokens, segments)
    const learned = model === undefined ? [] : learnedSentences(model, modelTheme!, tokens, segments, cuesBySentence(kept, tokens, segments))
    if (model !== undefined) {
      // A curator's rejections teach the classifier; a cue in a sentence it is sure is not about
      // the theme ("I rushed to my appointment") is dropped.
      kept = kept.filter((m) => {
        const verdict = learned[segments[tokens[m.start]!.segment]!.sentence]?.get(m.p.theme)
        return verdict === undefined || !vetoes.has(m.p.theme) || verdict > model.veto
      })
    }

    // Only this clinic's care, outcome and verdict carry a theme's polarity; what another
    // provider did is kept apart and read by contrast below. A match's role is the one where the
    // phrase ends ("neck pain … gone" is an outcome even if the pain was why the patient came).
    const roles = kept.length > 0 || learned.length > 0 ? tokenRoles(tokens, segments) : undefined
    const otherProvider = new Set<RawMatch>()
    kept = kept.filter((m) => {
      const role = roles![m.end - 1]!
      if (role === ROLE_OTHER_PROVIDER) otherProvider.add(m)
      return carriesPolarity(role) || role === ROLE_OTHER_PROVIDER
    })

    // One group per (clause, theme, whether it is about another provider).
    const groups = new Map<number, RawMatch[]>()
    for (const m of kept) {
      const key = (tokens[m.start]!.segment * themeCount + m.p.theme) * 2 + (otherProvider.has(m) ? 1 : 0)
      const g = groups.get(key)
      if (g === undefined) groups.set(key, [m])
      else g.push(m)
    }
    // The cue spans of each clause, so a sentiment word goes to the theme phrase it is nearest.
    const spansBySegment = new Map<number, Array<[number, number, number]>>()
    for (const [key, group] of groups) {
      const seg = Math.floor(key / 2 / themeCount)
      let from = Infinity
      let to = -Infinity
      for (const m of group) {
        from = Math.min(from, m.start)
        to = Math.max(to, m.end)
      }
      const list = spansBySegment.get(seg)
      if (list === undefined) spansBySegment.set(seg, [[from, to, key]])
      else list.push([from, to, key])
    }

    let reviewSentiment: number | undefined
    const priorStance = (): -1 | 1 | 0 => {
      if (rating === undefined) return 0
      if (rating >= 4) return 1
      if (rating <= 2) return -1
      reviewSentiment ??= textSentiment(tokens)
      return reviewSentiment > 0 ? 1 : -1
    }

    const mentions: Mention[] = []
    const cuedSentences = new Set<number>()
    for (const key of groups.keys()) {
      const k = Math.floor(key / 2)
      cuedSentences.add(segments[Math.floor(k / themeCount)]!.sentence * themeCount + (k % themeCount))
    }
    learned.forEach((scores, sentence) => {
      if (!sentenceCarries(roles!, tokens, segments, sentence)) return
      for (const [theme, logOdds] of scores) {
        if (logOdds <= model!.threshold || cuedSentences.has(sentence * themeCount + theme)) continue
        const mention = sentenceMention(tokens, segments, sentence, compiled.themeIds[theme]!, logOdds, priorStance)
        if (mention !== undefined) mentions.push(mention)
      }
    })
    for (const [key, group] of groups) {
      const segIndex = Math.floor(key / 2 / themeCount)
      const seg = segments[segIndex]!
      const spans = spansBySegment.get(segIndex)!
      const rivals = spans.length === 1 ? NO_RIVALS : spans.filter(([, , k]) => k !== key).map(([f, t]) => [f, t] as const)
      let judged: { stance: -1 | 0 | 1; score: number } | undefined = judge(group, tokens, seg, priorStance, rivals) ??
        (pack.neutralMentions === true ? { stance: 0 as const, score: SCORE.prior } : undefined)
      if (judged === undefined) continue
      if (key % 2 === 1) {
        judged = byContrast(judged, group, tokens, () => rating !== undefined ? priorStance() : Math.sign(reviewSentiment ??= textSentiment(tokens)) as -1 | 0 | 1)
        if (judged === undefined) continue
      }
      const [start, end] = evidenceSpan(tokens, seg)
      mentions.push({
        theme: compiled.themeIds[group[0]!.p.theme]!,
        polarity: judged.stance > 0 ? 'positive' : judged.stance < 0 ? 'negative' : 'neutral',
        start,
        end,
        score: judged.score,
      })
    }
    if (mentions.length === 0 && pack.fallbackTheme !== undefined && tokens.length > 0) {
      const [start, end] = [tokens[0]!.start, tokens[tokens.length - 1]!.end]
      const s = textSentiment(tokens)
      const polarity = Math.abs(s) >= MIN_SENTIMENT ? (s > 0 ? 'positive' : 'negative') : 'neutral'
      mentions.push({ theme: pack.fallbackTheme, polarity, start, end, score: SCORE.prior })
    }
    mentions.sort((a, b) => a.start - b.start || (a.theme < b.theme ? -1 : a.theme > b.theme ? 1 : 0))
    return { themes: reviewPolarity(mentions), mentions }
  }

  /** Per sentence, the cue features of the themes its cues found. */
  function cuesBySentence(kept: RawMatch[], tokens: Token[], segments: Segment[]): Map<number, string[]> {
    const out = new Map<number, string[]>()
    for (const m of kept) {
      const sentence = segments[tokens[m.start]!.segment]!.sentence
      const f = cueFeature(compiled.themeIds[m.p.theme]!)
      const list = out.get(sentence)
      if (list === undefined) out.set(sentence, [f])
      else if (!list.includes(f)) list.push(f)
    }
    return out
  }

  function findMatches(tokens: Token[], segments: Segment[]): RawMatch[] {
    const keys = tokens.map(tokenKeys)
    const lastOf = new Int32Array(tokens.length)
    for (let i = 0; i < tokens.length; i++) lastOf[i] = segments[tokens[i]!.segment]!.last
    return findAll(compiled, tokens, keys, lastOf)
  }
}

/** Per sentence, the classifier's log-odds for each pack theme it knows. */
function learnedSentences(
  model: CompiledModel, modelTheme: number[], tokens: Token[], segments: Segment[], cued: Map<number, string[]>,
): Array<Map<number, number>> {
  const out: Array<Map<number, number>> = []
  let i = 0
  while (i < segments.length) {
    const sentence = segments[i]!.sentence
    let j = i
    while (j + 1 < segments.length && segments[j + 1]!.sentence === sentence) j++
    const scores = scoreThemes(model, tokens.slice(segments[i]!.first, segments[j]!.last + 1), cued.get(sentence))
    const byTheme = new Map<number, number>()
    scores.forEach((v, k) => {
      if (modelTheme[k]! >= 0) byTheme.set(modelTheme[k]!, v)
    })
    out[sentence] = byTheme
    i = j + 1
  }
  return out
}

/**
 * A theme the classifier found in a sentence without a cue: the sentence is the evidence, its
 * sentiment the stance (then the star rating; `neutral` when the pack keeps stanceless mentions).
 */
function sentenceMention(
  tokens: Token[], segments: Segment[], sentence: number, theme: string, logOdds: number,
  priorStance: () => -1 | 1 | 0,
): Mention | undefined {
  const segs = segments.filter((s) => s.sentence === sentence)
  const whole: Segment = { first: segs[0]!.first, last: segs[segs.length - 1]!.last, sentence }
  let sum = 0
  for (const seg of segs) sum += clauseSentiment(tokens, seg, seg.first, seg.first)
  let stance: number = Math.abs(sum) >= MIN_SENTIMENT ? Math.sign(sum) : 0
  if (stance === 0 && segs.some((seg) => hasNegator(tokens, seg))) stance = -1
  if (stance === 0) stance = priorStance()
  const [start, end] = evidenceSpan(tokens, whole)
  const score = round(Math.min(0.85, 0.45 + logOdds / 20))
  return { theme, polarity: stance > 0 ? 'positive' : stance < 0 ? 'negative' : 'neutral', start, end, score }
}

/**
 * Drops matches overlapping an anti-cue of their theme, matches inside a longer match of the same
 * theme, and support cues with no cue of their theme nearby.
 */
function resolve(matches: RawMatch[], tokens: Token[], segments: Segment[]): RawMatch[] {
  // Both rules compare matches of one theme; sorting by start keeps them n log n in the matches
  // (a pack of many gapped cues finds thousands of them, and pairwise checks stalled the process).
  const anti = new Map<number, SpanIndex>()
  for (const [theme, list] of byTheme(matches.filter((m) => m.p.role === 'anti'))) anti.set(theme, spanIndex(list))
  let live = matches.filter((m) => m.p.role !== 'anti' && !overlapsAny(anti.get(m.p.theme), m))
  const contained = new Set<RawMatch>()
  for (const group of byTheme(live).values()) {
    // m falls inside a longer match o when o.start <= m.start, m.end <= o.end and the spans differ.
    let maxEndBefore = -1
    for (let i = 0; i < group.length; ) {
      let j = i
      let maxEndHere = -1
      while (j < group.length && group[j]!.start === group[i]!.start) maxEndHere = Math.max(maxEndHere, group[j++]!.end)
      for (let k = i; k < j; k++) {
        const m = group[k]!
        if (maxEndBefore >= m.end || maxEndHere > m.end) contained.add(m)
      }
      maxEndBefore = Math.max(maxEndBefore, maxEndHere)
      i = j
    }
  }
  if (contained.size > 0) live = live.filter((m) => !contained.has(m))
  // A support cue ("worth it") speaks about a theme only right after that theme came up.
  const themeCount = 1 + live.reduce((n, m) => Math.max(n, m.p.theme), 0)
  const sentenceOf = (m: RawMatch) => segments[tokens[m.start]!.segment]!.sentence
  const cuedIn = new Set<number>()
  let supports = false
  for (const m of live) {
    if (m.p.role !== 'support') cuedIn.add(sentenceOf(m) * themeCount + m.p.theme)
    else supports = true
  }
  if (!supports) return live
  return live.filter((m) => {
    if (m.p.role !== 'support') return true
    const s = sentenceOf(m)
    return cuedIn.has(s * themeCount + m.p.theme) || cuedIn.has((s - 1) * themeCount + m.p.theme)
  })
}

/** Matches per theme, each list sorted by start. */
function byTheme(matches: RawMatch[]): Map<number, RawMatch[]> {
  const out = new Map<number, RawMatch[]>()
  for (const m of matches) {
    const list = out.get(m.p.theme)
    if (list === undefined) out.set(m.p.theme, [m])
    else list.push(m)
  }
  for (const list of out.values()) list.sort((a, b) => a.start - b.start)
  return out
}

/** Spans sorted by start, with the furthest end reached so far: an overlap test is one binary search. */
interface SpanIndex {
  starts: number[]
  maxEnd: number[]
}

function spanIndex(sorted: RawMatch[]): SpanIndex {
  const maxEnd: number[] = []
  for (const a of sorted) maxEnd.push(Math.max(a.end, maxEnd[maxEnd.length - 1] ?? -1))
  return { starts: sorted.map((a) => a.start), maxEnd }
}

/** Whether m overlaps a span of the index: one that starts before m ends reaches past m's start. */
function overlapsAny(index: SpanIndex | undefined, m: RawMatch): boolean {
  if (index === undefined) return false
  let lo = 0
  let hi = index.starts.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (index.starts[mid]! < m.end) lo = mid + 1
    else hi = mid
  }
  return lo > 0 && index.maxEnd[lo - 1]! > m.start
}

/**
 * What a sentence about another provider says about this clinic. A stance already turned by a
 * comparison ("other chiropractors rushed me" read through "other") stands; a complaint about
 * them in a review that praises this clinic is praise by contrast; anything else is about them.
 */
function byContrast(
  judged: { stance: -1 | 0 | 1; score: number }, group: RawMatch[], tokens: Token[], leaning: () => -1 | 0 | 1,
): { stance: -1 | 0 | 1; score: number } | undefined {
  if (judged.stance > 0) return group.some((m) => tokens[m.start]!.flipped) ? judged : undefined
  if (judged.stance < 0 && leaning() > 0) return { stance: 1, score: BY_CONTRAST }
  return undefined
}

function sentenceCarries(roles: Uint8Array, tokens: Token[], segments: Segment[], sentence: number): boolean {
  for (let i = 0; i < tokens.length; i++) {
    if (segments[tokens[i]!.segment]!.sentence === sentence && carriesPolarity(roles[i]!)) return true
  }
  return false
}

function judge(
  group: RawMatch[], tokens: Token[], seg: Segment, priorStance: () => -1 | 1 | 0,
  rivals: ReadonlyArray<readonly [number, number]> = [],
): { stance: -1 | 1; score: number } | undefined {
  let polar = 0
  let from = Infinity
  let to = -Infinity
  let strong = false
  for (const m of group) {
    if (m.p.polarity !== 0) polar += cueStance(m.p.polarity, tokens[m.start]!, m.parity)
    if (m.p.role === 'cue') strong = true
    if (m.start < from) from = m.start
    if (m.end > to) to = m.end
  }
  if (polar !== 0) {
    return { stance: polar > 0 ? 1 : -1, score: round(Math.min(1, SCORE.cue + 0.05 * (Math.abs(polar) - 1))) }
  }

  // Sentiment words nearest this theme's phrase decide; when none are, the clause's stance as a
  // whole ("stretches to do at my desk and they really help").
  let s = clauseSentiment(tokens, seg, from, to, rivals)
  if (Math.abs(s) < MIN_SENTIMENT && rivals.length > 0) s = clauseSentiment(tokens, seg, from, to)
  if (Math.abs(s) >= MIN_SENTIMENT) {
    return { stance: s > 0 ? 1 : -1, score: round(SCORE.context + Math.min(0.25, Math.abs(s) / 20)) }
  }
  // A theme named under a negation with no other stance is usually missed: "never once asked how
  // I sit", "no exercises", "nobody at the desk could tell me".
  if (hasNegator(tokens, seg)) return { stance: -1, score: SCORE.absence }
  if (!strong) return undefined
  const prior = priorStance()
  return prior === 0 ? undefined : { stance: prior, score: SCORE.prior }
}

function evidenceSpan(tokens: Token[], seg: Segment): [number, number] {
  let f = seg.first
  let l = seg.last
  while (f < l) {
    const t = tokens[f]!
    const glue = t.kind === PAUSE || t.kind === CLAUSE_BREAK ||
      (t.kind === WORD && (CONTRAST.has(t.norm) || LEADING_GLUE.has(t.norm)))
    if (!glue) break
    f++
  }
  while (l > f && (tokens[l]!.kind === PAUSE || tokens[l]!.kind === CLAUSE_BREAK)) l--
  return [tokens[f]!.start, tokens[l]!.end]
}

function reviewPolarity(mentions: Mention[]): Record<string, Polarity> {
  const best = new Map<string, { pos: number; neg: number }>()
  for (const m of mentions) {
    let b = best.get(m.theme)
    if (b === undefined) best.set(m.theme, (b = { pos: 0, neg: 0 }))
    if (m.polarity === 'positive') b.pos = Math.max(b.pos, m.score)
    else if (m.polarity === 'negative') b.neg = Math.max(b.neg, m.score)
  }
  const themes: Record<string, Polarity> = {}
  for (const [theme, { pos, neg }] of best) {
    if (pos === 0 && neg === 0) {
      themes[theme] = 'neutral'
      continue
    }
    if (pos > 0 && neg > 0) {
      // A stance taken only from the star rating does not make a theme mixed against a real one.
      if (pos >= PRIOR_ONLY && neg >= PRIOR_ONLY) themes[theme] = 'mixed'
      else themes[theme] = pos >= neg ? 'positive' : 'negative'
    } else {
      themes[theme] = pos > 0 ? 'positive' : 'negative'
    }
  }
  return themes
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000
}
