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

/**
 * Cuts an excerpt from the review text by offsets, so nobody can retype a patient's words.
 * Refuses empty or out-of-range cuts and cuts that split a surrogate pair (half an emoji).
 */
export function cutExcerpt(reviewText: string, start: number, end: number): Excerpt {
  if (!Number.isInteger(start) || !Number.isInteger(end)) throw new NotVerbatimError(`offsets must be whole numbers, got ${start}..${end}`)
  if (start < 0 || end > reviewText.length || start >= end) {
    throw new NotVerbatimError(`offsets ${start}..${end} are outside the review text (length ${reviewText.length})`)
  }
  const text = reviewText.slice(start, end)
  if (text.trim().length < MIN_EXCERPT_LENGTH) throw new NotVerbatimError(`excerpt must hold at least ${MIN_EXCERPT_LENGTH} visible characters`)
  if (isLowSurrogate(reviewText.charCodeAt(start)) || isHighSurrogate(reviewText.charCodeAt(end - 1))) {
    throw new NotVerbatimError(`offsets ${start}..${end} split a character in two`)
  }
  return { start, end, text }
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

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff
}
function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff
}
