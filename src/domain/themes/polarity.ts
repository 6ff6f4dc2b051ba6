import { valenceOf } from './lexicon.ts'
import { WORD, type Segment, type Token } from './text.ts'

// How a clause stands on a theme once its cues are found.

/** Stance of a cue that carries one, after negation, gap negators and wishes. */
export function cueStance(polarity: -1 | 1, first: Token, gapParity: number): -1 | 1 {
  if (first.irrealis) return -1
  const flipped = first.flipped !== (gapParity === 1)
  return flipped ? (-polarity as -1 | 1) : polarity
}

function signedValence(t: Token): number {
  const v = valenceOf(t.norm, t.stem)
  if (v === 0) return 0
  if (t.irrealis) return -Math.abs(v)
  return t.flipped ? -v : v
}

/**
 * Sentiment of a clause as seen from a cue span [from, to): words nearer the cue weigh more, so
 * in "nice staff and a rude receptionist … booking" each theme leans on its own neighbours.
 */
export function clauseSentiment(
  tokens: Token[], seg: Segment, from: number, to: number, rivals: ReadonlyArray<readonly [number, number]> = [],
): number {
  let sum = 0
  for (let j = seg.first; j <= seg.last; j++) {
    const t = tokens[j]!
    if (t.kind !== WORD) continue
    const v = signedValence(t)
    if (v === 0) continue
    const d = distance(j, from, to)
    // A sentiment word belongs to the nearest theme's phrase in the clause, not to every theme in
    // it: in "very gentle adjustments, the receptionist was rude" "rude" is about the receptionist.
    if (rivals.some(([f, l]) => distance(j, f, l) < d)) continue
    sum += v / (1 + d / 3)
  }
  return sum
}

function distance(j: number, from: number, to: number): number {
  return j < from ? from - j : j >= to ? j - to + 1 : 0
}

/** Whole-text sentiment, used to read a 3-star rating. */
export function textSentiment(tokens: Token[]): number {
  let sum = 0
  for (const t of tokens) if (t.kind === WORD) sum += signedValence(t)
  return sum
}

export function hasNegator(tokens: Token[], seg: Segment): boolean {
  for (let j = seg.first; j <= seg.last; j++) if (tokens[j]!.negator) return true
  return false
}
