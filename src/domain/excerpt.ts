/** A verbatim cut of a review's current text: [start, end) in UTF-16 code units, as JavaScript strings index. */
export interface Excerpt {
  start: number
  end: number
  text: string
}

export class NotVerbatimError extends Error {
  override name = 'NotVerbatimError'
}

const MIN_EXCERPT_LENGTH = 3

const graphemes = new Intl.Segmenter('und', { granularity: 'grapheme' })

/**
 * Widens [start, end) to whole grapheme clusters (what a reader sees as one character): a cut inside
 * an emoji sequence (👩‍⚕️, 👍🏽, a flag) or between a letter and its accent takes the whole of it.
 */
export function snapToGraphemes(text: string, start: number, end: number): { start: number; end: number } {
  let snappedStart = start
  let snappedEnd = end
  for (const { index, segment } of graphemes.segment(text)) {
    const after = index + segment.length
    if (index <= start && start < after) snappedStart = index
    if (index < end && end < after) snappedEnd = after
    if (index >= end) break
  }
  return { start: snappedStart, end: snappedEnd }
}

/**
 * Cuts an excerpt from the review text by offsets, so nobody can retype a patient's words.
 * Refuses empty or out-of-range cuts; a cut through a character takes the whole character.
 */
export function cutExcerpt(reviewText: string, start: number, end: number): Excerpt {
  if (!Number.isInteger(start) || !Number.isInteger(end)) throw new NotVerbatimError(`offsets must be whole numbers, got ${start}..${end}`)
  if (start < 0 || end > reviewText.length || start >= end) {
    throw new NotVerbatimError(`offsets ${start}..${end} are outside the review text (length ${reviewText.length})`)
  }
  const snapped = snapToGraphemes(reviewText, start, end)
  const text = reviewText.slice(snapped.start, snapped.end)
  if (text.trim().length < MIN_EXCERPT_LENGTH) throw new NotVerbatimError(`excerpt must hold at least ${MIN_EXCERPT_LENGTH} visible characters`)
  return { start: snapped.start, end: snapped.end, text }
}

/** True when the excerpt still stands, letter for letter, at its place in the review's current text. */
export function isStillVerbatim(excerpt: Excerpt, currentText: string): boolean {
  return currentText.slice(excerpt.start, excerpt.end) === excerpt.text
}

/** How the excerpt is shown: "…" marks where the cut leaves out words of the review. */
export function displayExcerpt(excerpt: Excerpt, reviewText: string): string {
  const body = excerpt.text.trim()
  // A cut next to the patient's own ellipsis needs no second one.
  const cutBefore = reviewText.slice(0, excerpt.start).trim() !== '' && !/^(…|\.\.\.)/.test(body)
  const cutAfter = reviewText.slice(excerpt.end).trim() !== '' && !/(…|\.\.\.)$/.test(body)
  return `${cutBefore ? '… ' : ''}${body}${cutAfter ? ' …' : ''}`
}
