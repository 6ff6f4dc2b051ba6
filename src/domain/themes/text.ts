import {
  ABBREVIATIONS, COMPARATORS, CONTRAST, IRREALIS, NEGATORS, OTHER_PROVIDERS, SCOPE_ENDERS, stemOf,
} from './lexicon.ts'

// Turning review text into tokens with offsets, sentences, clauses and negation scope.

export const WORD = 0
export const NUMBER = 1
export const MONEY = 2
/** comma, bracket, quote or dash: ends a negation scope, not a clause */
export const PAUSE = 3
/** ";" or ":": ends a clause */
export const CLAUSE_BREAK = 4
/** ".", "!", "?", "…" or a line break: ends a sentence */
export const SENTENCE_END = 5
export type TokenKind = 0 | 1 | 2 | 3 | 4 | 5

export interface Token {
  start: number
  end: number
  kind: TokenKind
  /** lower-cased word, apostrophes normalised, possessive "'s" removed */
  norm: string
  stem: string
  /** the stance of this token is turned by a negation or a comparison with other providers */
  flipped: boolean
  /** the token is in the scope of a wish ("I wish she'd …"): any stance on it is unmet */
  irrealis: boolean
  negator: boolean
  /** index of the clause (segment) holding the token */
  segment: number
}

export interface Segment {
  /** first and last token index, inclusive */
  first: number
  last: number
  sentence: number
}

export interface Analysis {
  tokens: Token[]
  segments: Segment[]
}

// One pass over the text with a single sticky-free global regex; groups tell the token kind.
// Hyphens inside words are not matched, so "one-word" gives "one", "word" and "24-visit" gives
// "24", "visit", the same as the cue compiler sees them.
const TOKEN_RE =
  /(\$\d+(?:[.,]\d+)*)|(\d+(?:[.,:]\d+)*\+?)|([A-Za-z\u00C0-\u024F]+(?:['\u2019][A-Za-z]+)*)|(\.\.\.|[.!?\u2026]+|\n)|([;:])|([,()"\u201C\u201D]|(?<=\s)[-\u2013\u2014]+(?=\s)|[\u2013\u2014])/g

/** Pronouns whose "'s" is "is"/"has" rather than a possessive. */
const S_CONTRACTIONS: ReadonlySet<string> = new Set([
  'it', 'she', 'he', 'that', 'there', 'what', 'here', 'who', 'where', 'how', 'let', 'everyone',
])

export function normalizeWord(raw: string): string {
  let w = raw.toLowerCase()
  if (w.includes('\u2019')) w = w.replace(/\u2019/g, "'")
  if (w.endsWith("'s") && !S_CONTRACTIONS.has(w.slice(0, -2))) w = w.slice(0, -2)
  return w
}

/**
 * Words a negation reaches at most, besides stopping at punctuation, a contrast word or a
 * conjunction. It has to reach "never made me feel like I was on a clock"; the cap only stops
 * it running through a long unpunctuated sentence. (A zero relative clause, "never look for
 * the reason it keeps coming back", is still wrongly inside the scope.)
 */
const NEGATION_WINDOW = 8

/** Tokens of text[from, to), with absolute offsets. */
export function tokenize(text: string, from = 0, to = text.length): Token[] {
  const tokens: Token[] = []
  TOKEN_RE.lastIndex = from
  let m: RegExpExecArray | null
  while ((m = TOKEN_RE.exec(text)) !== null) {
    const start = m.index
    const raw = m[0]
    const end = start + raw.length
    if (end > to) break
    let kind: TokenKind
    let norm: string
    if (m[1] !== undefined) { kind = MONEY; norm = raw }
    else if (m[2] !== undefined) { kind = NUMBER; norm = raw }
    else if (m[3] !== undefined) { kind = WORD; norm = normalizeWord(raw) }
    else if (m[4] !== undefined) {
      const prev = tokens[tokens.length - 1]
      // "Dr. Park": the period belongs to the abbreviation, not to the sentence.
      if (raw === '.' && prev !== undefined && prev.end === start && prev.kind === WORD &&
        ABBREVIATIONS.has(prev.norm)) continue
      kind = SENTENCE_END; norm = raw
    } else if (m[5] !== undefined) { kind = CLAUSE_BREAK; norm = raw }
    else { kind = PAUSE; norm = raw }
    tokens.push({
      start, end, kind, norm,
      stem: kind === WORD ? stemOf(norm) : norm,
      flipped: false, irrealis: false,
      negator: kind === WORD && NEGATORS.has(norm),
      segment: 0,
    })
  }
  return tokens
}

/** Sentences, clauses and negation scope, in place on the tokens. */
export function structure(tokens: Token[]): Segment[] {
  const segments: Segment[] = []
  let sentence = 0
  let segFirst = 0
  let flipped = false
  let scopeLeft = 0
  let irrealis = false
  const close = (last: number): void => {
    if (last >= segFirst) segments.push({ first: segFirst, last, sentence })
    segFirst = last + 1
    flipped = false
    irrealis = false
  }
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!
    if (t.kind === WORD && CONTRAST.has(t.norm) && i > segFirst) {
      // "even though" opens the new clause together with "even"
      const prev = tokens[i - 1]!
      const cut = prev.norm === 'even' && i - 1 > segFirst ? i - 1 : i
      close(cut - 1)
      if (cut < i) {
        prev.segment = segments.length
        prev.flipped = false
        prev.irrealis = false
      }
    }
    t.segment = segments.length
    t.flipped = flipped
    t.irrealis = irrealis
    if (t.kind === WORD) {
      if (flipped && --scopeLeft === 0) flipped = false
      if (t.negator && !(t.norm === 'not' && tokens[i + 1]?.norm === 'only')) {
        flipped = !flipped
        scopeLeft = NEGATION_WINDOW
      } else if (IRREALIS.has(t.norm)) irrealis = true
      else if (SCOPE_ENDERS.has(t.norm)) { flipped = false; irrealis = false }
      else if (COMPARATORS.has(t.norm)) {
        const next = tokens[i + 1]
        if (next !== undefined && next.kind === WORD && OTHER_PROVIDERS.has(next.stem)) {
          flipped = !flipped
          // the provider noun itself does not use up the window
          scopeLeft = NEGATION_WINDOW + 1
        }
      }
    } else if (t.kind === PAUSE) {
      flipped = false
      irrealis = false
    } else if (t.kind === CLAUSE_BREAK) {
      close(i)
    } else if (t.kind === SENTENCE_END) {
      close(i)
      sentence++
    }
  }
  close(tokens.length - 1)
  return segments
}

const TRANSLATED = '(Translated by Google)'
const ORIGINAL = '(Original)'

/**
 * The part of a review to analyse, as [start, end) into the full text. Google wraps translated
 * reviews as "(Translated by Google) <english>\n\n(Original)\n<original>" (sometimes the other
 * way round); only the English is analysed, so an opinion is not counted twice and offsets
 * still point into the stored text.
 */
export function englishRange(text: string): [number, number] {
  const t = text.indexOf(TRANSLATED)
  if (t < 0) return [0, text.length]
  const from = t + TRANSLATED.length
  const o = text.indexOf(ORIGINAL, from)
  return [from, o < 0 ? text.length : o]
}

export function analyse(text: string): Analysis {
  const [from, to] = englishRange(text)
  const tokens = tokenize(text, from, to)
  return { tokens, segments: structure(tokens) }
}
