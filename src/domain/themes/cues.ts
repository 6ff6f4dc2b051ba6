import { GAP_STOPS, GAP_STOPS_BEFORE_SUBJECT, NUMBER_WORDS, SUBJECTS } from './lexicon.ts'
import type { ThemePack } from './pack.ts'
import {
  CLAUSE_BREAK, MONEY, NUMBER, SENTENCE_END, WORD, tokenize, type Token,
} from './text.ts'

// Cue phrases compiled to stem sequences, merged into one trie, and matched against the tokens
// of one clause.

/** Pattern elements besides literal stems. NUL keeps them apart from any real stem. */
const NUM = '\u0000#'
const AMOUNT = '\u0000$'
const ANY = '\u0000*'
const GAP = '\u0000..'
const LONG_GAP = '\u0000...'
/** prefix of an element compared by word form instead of stem */
const EXACT = '='
const GAP_WORDS = 4
const LONG_GAP_WORDS = 8

export type CueRole = 'cue' | 'weak' | 'support' | 'anti'
const ROLE_INDEX: Record<CueRole, number> = { cue: 0, weak: 1, support: 2, anti: 3 }
const ROLE_COUNT = 4

export interface Pattern {
  /** position in the trie's pattern list; used to report each pattern once per start token */
  id: number
  theme: number
  role: CueRole
  /** stance the phrase carries by itself: +1 praise, -1 complaint, 0 from context */
  polarity: -1 | 0 | 1
  /** the cue as written in the pack, for debugging and tests */
  source: string
}

/**
 * One trie over every expanded phrase of the pack. Alternatives expand to tens of thousands of
 * phrases that share prefixes ("no longer feel my neck", "no longer feel my shoulder", …); the
 * trie walks each shared prefix once per token instead of once per phrase.
 */
interface TrieNode {
  /** unique within its pack: keys the matcher's memo of states already walked */
  id: number
  /** single-token elements: a stem, =word, NUM or AMOUNT */
  next: Map<string, TrieNode> | null
  any: TrieNode | null
  gap: TrieNode | null
  longGap: TrieNode | null
  ends: Pattern[] | null
}

export interface CompiledPack {
  themeIds: string[]
  root: TrieNode
  patternCount: number
  nodeCount: number
}

function newNode(id: number): TrieNode {
  return { id, next: null, any: null, gap: null, longGap: null, ends: null }
}

const CUE_PART_RE = /\(([^()]*)\)(\?)?|[^\s()]+/g
const MAX_VARIANTS = 20_000

function wordsOf(alternative: string): string[] {
  const out: string[] = []
  for (const piece of alternative.split(/\s+/)) {
    if (piece === '') continue
    if (piece === '#') out.push(NUM)
    else if (piece === '$') out.push(AMOUNT)
    else if (piece === '*') out.push(ANY)
    else if (piece === '..') out.push(GAP)
    else if (piece === '...') out.push(LONG_GAP)
    else if (piece.startsWith('=') && piece.length > 1) {
      // exact word form, for words whose stem is too broad ("reasonable" → "reason")
      for (const t of tokenize(piece.slice(1))) if (t.kind === WORD) out.push(EXACT + t.norm)
    } else {
      for (const t of tokenize(piece)) {
        if (t.kind === WORD) out.push(t.stem)
        else if (t.kind === NUMBER) out.push(NUM)
        else if (t.kind === MONEY) out.push(AMOUNT)
      }
    }
  }
  return out
}

/** Expands "(took|takes) (her|the) time" into every stem sequence it stands for. */
export function expandCue(cue: string, maxPhrases: number = MAX_VARIANTS): string[][] {
  let variants: string[][] = [[]]
  CUE_PART_RE.lastIndex = 0
  let m: RegExpExecArray | null
  while ((m = CUE_PART_RE.exec(cue)) !== null) {
    const options = m[1] !== undefined ? m[1].split('|').map(wordsOf) : [wordsOf(m[0])]
    if (m[2] !== undefined) options.push([])
    const next: string[][] = []
    for (const v of variants) for (const o of options) next.push(v.concat(o))
    if (next.length > maxPhrases) throw new Error(`cue "${cue}" expands to more than ${maxPhrases} phrases`)
    variants = next
  }
  const out: string[][] = []
  const seen = new Set<string>()
  for (let v of variants) {
    while (v.length > 0 && isGap(v[v.length - 1]!)) v = v.slice(0, -1)
    if (v.length === 0) continue
    if (isGap(v[0]!) || v[0] === ANY) throw new Error(`cue "${cue}" must start with a word or number`)
    const key = v.join(' ')
    if (seen.has(key)) continue
    seen.add(key)
    out.push(v)
  }
  return out
}

/**
 * What a saved pack may ask of the matcher, so that tagging stays linear in the text whatever
 * the pack. The shipped packs use at most 1 gap, 109 alternatives and 2,088 phrases in a cue,
 * 6,278 gapped phrases and 21,977 phrases in all.
 */
export const CUE_LIMITS = {
  // Shipped packs use at most 12 themes and one gap per phrase; the caps leave room for a practice's
  // own while keeping the worst accepted pack's tagging within milliseconds (`npm run bench`).
  themesPerPack: 20,
  gapsPerPhrase: 1,
  alternativesPerGroup: 200,
  phrasesPerCue: 5_000,
  wordsPerPhrase: 12,
  gappedPhrasesPerPack: 10_000,
  phrasesPerPack: 100_000,
} as const

/** The first limit a pack exceeds, naming the theme and the cue, or null. */
export function packLimitProblem(pack: ThemePack): string | null {
  let phrases = 0
  let gapped = 0
  for (const theme of pack.themes) {
    for (const cue of [theme.cues, theme.antiCues, theme.positiveCues, theme.negativeCues, theme.weakCues, theme.supportCues].flat()) {
      if (cue === undefined) continue
      const where = `theme "${theme.id}", cue "${cue}"`
      CUE_PART_RE.lastIndex = 0
      let m: RegExpExecArray | null
      while ((m = CUE_PART_RE.exec(cue)) !== null) {
        const alternatives = m[1]?.split('|').length ?? 1
        if (alternatives > CUE_LIMITS.alternativesPerGroup) return `${where}: a group has ${alternatives} alternatives, at most ${CUE_LIMITS.alternativesPerGroup} allowed`
      }
      let expanded: string[][]
      try {
        expanded = expandCue(cue.toLowerCase(), CUE_LIMITS.phrasesPerCue)
      } catch (error) {
        return `theme "${theme.id}": ${(error as Error).message}`
      }
      for (const phrase of expanded) {
        const gaps = phrase.filter(isGap).length
        if (gaps > CUE_LIMITS.gapsPerPhrase) return `${where}: ${gaps} gaps (.. or ...) in one phrase, at most ${CUE_LIMITS.gapsPerPhrase} allowed`
        if (phrase.length > CUE_LIMITS.wordsPerPhrase) return `${where}: ${phrase.length} words in one phrase, at most ${CUE_LIMITS.wordsPerPhrase} allowed`
        if (gaps > 0) gapped++
      }
      phrases += expanded.length
      if (gapped > CUE_LIMITS.gappedPhrasesPerPack) return `${where}: the pack's cues expand to more than ${CUE_LIMITS.gappedPhrasesPerPack} phrases with gaps`
      if (phrases > CUE_LIMITS.phrasesPerPack) return `${where}: the pack's cues expand to more than ${CUE_LIMITS.phrasesPerPack} phrases`
    }
  }
  return null
}

function isGap(e: string): boolean {
  return e === GAP || e === LONG_GAP
}

export function compilePack(pack: ThemePack): CompiledPack {
  let nodeCount = 0
  const root = newNode(nodeCount++)
  const child = (node: TrieNode, e: string): TrieNode => {
    if (e === GAP) return (node.gap ??= newNode(nodeCount++))
    if (e === LONG_GAP) return (node.longGap ??= newNode(nodeCount++))
    if (e === ANY) return (node.any ??= newNode(nodeCount++))
    node.next ??= new Map()
    let c = node.next.get(e)
    if (c === undefined) node.next.set(e, (c = newNode(nodeCount++)))
    return c
  }
  let patternCount = 0
  const add = (theme: number, role: CueRole, polarity: -1 | 0 | 1, cues: readonly string[] | undefined): void => {
    for (const source of cues ?? []) {
      for (const elems of expandCue(source.toLowerCase())) {
        let node = root
        for (const e of elems) node = child(node, e)
        ;(node.ends ??= []).push({ id: patternCount++, theme, role, polarity, source })
      }
    }
  }
  pack.themes.forEach((t, i) => {
    add(i, 'cue', 0, t.cues)
    add(i, 'cue', 1, t.positiveCues)
    add(i, 'cue', -1, t.negativeCues)
    add(i, 'weak', 0, t.weakCues)
    add(i, 'support', 0, t.supportCues)
    add(i, 'anti', 0, t.antiCues)
  })
  return { themeIds: pack.themes.map((t) => t.id), root, patternCount, nodeCount }
}

/** Trie keys a token can match as a single-token element. */
export function tokenKeys(t: Token): readonly string[] {
  if (t.kind === WORD) return NUMBER_WORDS.has(t.norm) ? [t.stem, EXACT + t.norm, NUM] : [t.stem, EXACT + t.norm]
  if (t.kind === NUMBER) return [NUM]
  if (t.kind === MONEY) return [AMOUNT, NUM]
  return NO_KEYS
}
const NO_KEYS: readonly string[] = []

export interface RawMatch {
  p: Pattern
  /** token span [start, end) */
  start: number
  end: number
  /** 1 when an odd number of negators sat in the gaps ("my pain is no better" by "pain .. better") */
  parity: number
}

/**
 * Finds every pattern match in a token list. `keys[i]` are tokenKeys(tokens[i]) and
 * `lastOf[i]` the last token index of the clause holding token i; matches never leave a clause.
 */
export function findAll(compiled: CompiledPack, tokens: Token[], keys: ReadonlyArray<readonly string[]>, lastOf: Int32Array): RawMatch[] {
  const out: RawMatch[] = []
  // Each pattern ends at one trie node, so a node whose patterns were reported for the current
  // start token is done: the first (shortest-gap) match wins.
  const reported = new Set<number>()
  // States after a gap already walked from the current start token. A gap lets one trie node be
  // reached at several tokens, and each further gap multiplied the paths (seven gaps: 9^7 walks
  // for one token). A state (node, token, parity) reports the same matches whatever the path to
  // it, and the first visit already reported them, so a second visit is skipped: the walk stays
  // within nodes × tokens per start token, and the results are the same as the full search.
  const walked = new Set<number>()
  const stride = tokens.length + 1
  let start = 0
  let last = 0

  // Of the matches from one start token, only the longest per theme and role can survive the
  // tagger's rules (a shorter one of the same theme lies inside it), so only those are kept: a pack
  // of nested phrases ("neck", "neck neck", ...) in many themes would otherwise report thousands of
  // matches per token for the tagger to sort and discard.
  const slots = compiled.themeIds.length * ROLE_COUNT
  const longestEnd = new Int32Array(slots).fill(-1)
  // Patterns and parities, not match objects: a longer match found later replaces them without garbage.
  const longestPatterns: Pattern[][] = Array.from({ length: slots }, () => [])
  const longestParities: number[][] = Array.from({ length: slots }, () => [])
  // Counts instead of truncating the arrays, which would free and regrow their storage.
  const longestCount = new Int32Array(slots)
  const touched: number[] = []

  const walk = (node: TrieNode, ti: number, parity: number): void => {
    if (node.ends !== null && !reported.has(node.id)) {
      reported.add(node.id)
      for (const p of node.ends) {
        const key = p.theme * ROLE_COUNT + ROLE_INDEX[p.role]
        const best = longestEnd[key]!
        if (best > ti) continue
        if (best < ti) {
          if (best === -1) touched.push(key)
          longestEnd[key] = ti
          longestCount[key] = 0
        }
        const n = longestCount[key]!++
        longestPatterns[key]![n] = p
        longestParities[key]![n] = parity
      }
    }
    if (ti <= last) {
      if (node.next !== null) {
        for (const k of keys[ti]!) {
          const c = node.next.get(k)
          if (c !== undefined) walk(c, ti + 1, parity)
        }
      }
      if (node.any !== null && keys[ti]!.length > 0) walk(node.any, ti + 1, parity)
    }
    if (node.gap !== null) gapWalk(node.gap, ti, parity, GAP_WORDS)
    if (node.longGap !== null) gapWalk(node.longGap, ti, parity, LONG_GAP_WORDS)
  }

  const gapWalk = (node: TrieNode, ti: number, parity: number, max: number): void => {
    let skipped = 0
    for (let t = ti; ; t++) {
      const state = (node.id * stride + t) * 2 + parity
      if (!walked.has(state)) {
        walked.add(state)
        walk(node, t, parity)
      }
      if (skipped === max || t > last) return
      const tok = tokens[t]!
      // a gap stays inside one clause: "neck without warning and I've had a stiff neck" must
      // not read as a negated "neck … stiff"
      if (tok.kind === SENTENCE_END || tok.kind === CLAUSE_BREAK) return
      if (tok.kind === WORD && (GAP_STOPS.has(tok.norm) ||
        (GAP_STOPS_BEFORE_SUBJECT.has(tok.norm) && SUBJECTS.has(tokens[t + 1]?.norm ?? '')))) return
      if (tok.kind !== WORD && tok.kind !== NUMBER && tok.kind !== MONEY) continue
      skipped++
      if (tok.negator) parity ^= 1
    }
  }

  const rootNext = compiled.root.next
  if (rootNext === null) return out
  for (let i = 0; i < tokens.length; i++) {
    const ks = keys[i]!
    if (ks.length === 0) continue
    start = i
    last = lastOf[i]!
    reported.clear()
    walked.clear()
    for (const k of ks) {
      const c = rootNext.get(k)
      if (c !== undefined) walk(c, i + 1, 0)
    }
    for (const key of touched) {
      const patterns = longestPatterns[key]!
      const parities = longestParities[key]!
      for (let j = 0; j < longestCount[key]!; j++) out.push({ p: patterns[j]!, start, end: longestEnd[key]!, parity: parities[j]! })
      longestCount[key] = 0
      longestEnd[key] = -1
    }
    touched.length = 0
  }
  return out
}
