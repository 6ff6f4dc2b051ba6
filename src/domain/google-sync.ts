/**
 * Decisions of a Google Business Profile sync, free of I/O and of the clock: the caller passes
 * times and randomness in, so every rule here is tested with plain values.
 */

export const GOOGLE_STAR_RATINGS = { ONE: 1, TWO: 2, THREE: 3, FOUR: 4, FIVE: 5 } as const

/** Google sends the rating as an enum word; STAR_RATING_UNSPECIFIED (or anything new) is no rating. */
export function starRatingToNumber(word: string | undefined): number | null {
  return word !== undefined && Object.hasOwn(GOOGLE_STAR_RATINGS, word) ? GOOGLE_STAR_RATINGS[word as keyof typeof GOOGLE_STAR_RATINGS] : null
}

export interface SplitComment {
  /** The reviewer's own words: what testimonials quote. */
  original: string
  /** Google's machine translation, when Google sent one; never quoted as the patient's words. */
  translation: string | null
}

const TRANSLATED = '(Translated by Google)'
const ORIGINAL = '(Original)'

/**
 * Splits Google's undocumented "(Translated by Google) <translation>\n\n(Original)\n<original>"
 * envelope. Parsed defensively: anything that does not have both markers in that order is kept whole.
 */
export function splitGoogleTranslation(comment: string): SplitComment {
  const t = comment.indexOf(TRANSLATED)
  const o = comment.indexOf(ORIGINAL, t + TRANSLATED.length)
  if (t !== 0 || o < 0) return { original: comment, translation: null }
  const translation = comment.slice(TRANSLATED.length, o).trim()
  const original = comment.slice(o + ORIGINAL.length).trim()
  if (original === '') return { original: comment, translation: null }
  return { original, translation: translation === '' ? null : translation }
}

/**
 * Incremental sync reads reviews newest update first and stops at the first review that is not
 * newer than the last successful sync: everything after it was seen already. Returns how many of
 * the page's reviews are new, and whether to stop paging.
 */
export function incrementalCut(updateTimes: Date[], lastSyncAt: Date | null): { fresh: number; stop: boolean } {
  if (!lastSyncAt) return { fresh: updateTimes.length, stop: false }
  const index = updateTimes.findIndex((t) => t.getTime() <= lastSyncAt.getTime())
  return index < 0 ? { fresh: updateTimes.length, stop: false } : { fresh: index, stop: true }
}

/** A full sync saw every review Google has: the stored ones it did not see were removed on Google. */
export function removedInFullSync(storedExternalIds: Iterable<string>, seenExternalIds: ReadonlySet<string>): string[] {
  return [...storedExternalIds].filter((id) => !seenExternalIds.has(id))
}

export interface BackoffPolicy {
  baseMs: number
  maxMs: number
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1000, maxMs: 5 * 60_000 }

/**
 * Exponential backoff with "full jitter": a uniform delay in [0, min(max, base·2^attempt)), so
 * workers that failed together do not come back together. `random` returns [0, 1).
 */
export function backoffDelay(attempt: number, random: () => number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt))
  return Math.floor(random() * ceiling)
}

/** Retry-After is seconds or an HTTP date; returns milliseconds to wait, or null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | null {
  if (value === null || value === undefined) return null
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  const at = Date.parse(trimmed)
  if (Number.isNaN(at) || !/[a-z]/i.test(trimmed)) return null
  return Math.max(0, at - now.getTime())
}

/** The wait before retrying a 429 or 5xx: Google's Retry-After when it gave one, else backoff with jitter. */
export function retryDelay(attempt: number, retryAfterMs: number | null, random: () => number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  return retryAfterMs !== null ? Math.max(retryAfterMs, 0) : backoffDelay(attempt, random, policy)
}

export type GoogleFailureKind = 'retry' | 'reauthorize' | 'permanent'

/** 429 and 5xx pass; 401 means the token is no good; 400, 403, 404 and the rest will not change by retrying. */
export function classifyGoogleStatus(status: number): GoogleFailureKind {
  if (status === 429 || status >= 500) return 'retry'
  if (status === 401) return 'reauthorize'
  return 'permanent'
}
