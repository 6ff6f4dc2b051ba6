import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { ConfigError, parseConfig } from '../../src/config.ts'
import {
  backoffDelay,
  classifyGoogleStatus,
  incrementalCut,
  parseRetryAfter,
  removedInFullSync,
  retryDelay,
  splitGoogleTranslation,
  starRatingToNumber,
} from '../../src/domain/google-sync.ts'
import { testimonialsToWithdraw } from '../../src/domain/withdrawal.ts'
import { TokenCipher, TokenKeyError } from '../../src/db/token-cipher.ts'
import { mapGoogleReview } from '../../src/sources/google/map-review.ts'
import { fixture } from '../support/fake-google.ts'

describe('Google review mapping', () => {
  it('turns star words into numbers and refuses an unspecified rating', () => {
    expect(['ONE', 'TWO', 'THREE', 'FOUR', 'FIVE'].map(starRatingToNumber)).toEqual([1, 2, 3, 4, 5])
    expect(starRatingToNumber('STAR_RATING_UNSPECIFIED')).toBeNull()
    expect(starRatingToNumber(undefined)).toBeNull()
  })

  it('shows an anonymous reviewer as "A Google User", as Google writes it', () => {
    const mapped = mapGoogleReview(fixture('gbp-review-anonymous.json'), null)!
    expect(mapped.input.author).toBe('A Google User')
    expect(mapped.anonymous).toBe(true)
  })

  it('keeps a rating-only review with an empty text', () => {
    expect(mapGoogleReview(fixture('gbp-review-rating-only.json'), null)!.input).toMatchObject({ rating: 5, text: '' })
  })

  it('keeps the patient’s original words apart from Google’s translation', () => {
    const mapped = mapGoogleReview(fixture('gbp-review-translated.json'), null)!
    expect(mapped.input.text).toMatch(/^Llegué con dolor de cuello.*¡Gracias!$/s)
    expect(mapped.translation).toMatch(/^I came in with neck and upper-back pain.*Thank you!$/s)
  })

  it('leaves a text that merely mentions the markers whole', () => {
    expect(splitGoogleTranslation('I liked the (Original) decor')).toEqual({ original: 'I liked the (Original) decor', translation: null })
    expect(splitGoogleTranslation('(Translated by Google) only a translation')).toEqual({ original: '(Translated by Google) only a translation', translation: null })
  })

  it('keeps the owner’s reply', () => {
    expect(mapGoogleReview(fixture('gbp-review-with-reply.json'), null)!.reply).toEqual({ comment: expect.stringMatching(/^Thank you, Mariana!/), updatedAt: new Date('2026-10-03T15:12:44.508Z') })
  })
})

describe('sync decisions', () => {
  const t = (iso: string) => new Date(iso)

  it('stops an incremental sync at the first review not newer than the last sync', () => {
    const times = [t('2026-11-02T00:00:00Z'), t('2026-11-01T00:00:00Z'), t('2026-10-01T00:00:00Z')]
    expect(incrementalCut(times, t('2026-11-01T00:00:00Z'))).toEqual({ fresh: 1, stop: true })
    expect(incrementalCut(times, t('2026-12-01T00:00:00Z'))).toEqual({ fresh: 0, stop: true })
    expect(incrementalCut(times, t('2026-09-01T00:00:00Z'))).toEqual({ fresh: 3, stop: false })
    expect(incrementalCut(times, null)).toEqual({ fresh: 3, stop: false })
  })

  it('finds the reviews a full sync did not see', () => {
    expect(removedInFullSync(['a', 'b', 'c'], new Set(['a', 'c', 'd']))).toEqual(['b'])
  })

  it('withdraws for removal, a lowered rating or a quote no longer in place, and nothing else', () => {
    const quoted = [
      { id: 't1', reviewId: 'r1', excerpt: { start: 0, end: 12, text: 'Never rushed' } },
      { id: 't2', reviewId: 'r2', excerpt: { start: 0, end: 12, text: 'Never rushed' } },
      { id: 't3', reviewId: 'r3', excerpt: { start: 0, end: 12, text: 'Never rushed' } },
      { id: 't4', reviewId: 'r4', excerpt: { start: 0, end: 12, text: 'Never rushed' } },
    ]
    const before = { rating: 5, text: 'Never rushed. Great care.' }
    expect(
      testimonialsToWithdraw(
        [
          { reviewId: 'r1', before, after: null },
          { reviewId: 'r2', before, after: { rating: 4, text: before.text } },
          { reviewId: 'r3', before, after: { rating: 5, text: 'Sometimes rushed. Great care.' } },
          { reviewId: 'r4', before, after: { rating: 5, text: 'Never rushed. Great care. Update: still great.' } },
        ],
        quoted,
      ),
    ).toEqual([
      { testimonialId: 't1', reviewId: 'r1', reason: 'review-removed' },
      { testimonialId: 't2', reviewId: 'r2', reason: 'rating-lowered' },
      { testimonialId: 't3', reviewId: 'r3', reason: 'excerpt-no-longer-verbatim' },
    ])
  })
})

describe('backoff and Retry-After', () => {
  it('doubles the ceiling each attempt, caps it, and jitters below it', () => {
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, () => 0.999999))).toEqual([999, 1999, 3999, 7999])
    expect(backoffDelay(30, () => 0.5)).toBe(150_000)
    expect(backoffDelay(3, () => 0)).toBe(0)
  })

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = new Date('2026-11-25T09:00:00Z')
    expect(parseRetryAfter('7', now)).toBe(7000)
    expect(parseRetryAfter('Wed, 25 Nov 2026 09:00:30 GMT', now)).toBe(30_000)
    expect(parseRetryAfter('soon', now)).toBeNull()
    expect(parseRetryAfter(null, now)).toBeNull()
    expect(retryDelay(4, 7000, () => 0.5)).toBe(7000)
    expect(retryDelay(1, null, () => 0.5)).toBe(1000)
  })

  it('retries 429 and 5xx, asks for re-authorisation on 401, and gives up on 400, 403 and 404', () => {
    expect([429, 500, 503, 401, 400, 403, 404].map(classifyGoogleStatus)).toEqual(['retry', 'retry', 'retry', 'reauthorize', 'permanent', 'permanent', 'permanent'])
  })
})

describe('refresh tokens at rest', () => {
  it('encrypts with AES-256-GCM and refuses a wrong key instead of returning garbage', () => {
    const cipher = new TokenCipher(randomBytes(32))
    const stored = cipher.encrypt('1//refresh-token')
    expect(stored).not.toContain('refresh-token')
    expect(cipher.encrypt('1//refresh-token')).not.toBe(stored)
    expect(cipher.decrypt(stored)).toBe('1//refresh-token')
    expect(() => new TokenCipher(randomBytes(32)).decrypt(stored)).toThrow(TokenKeyError)
  })

  it('accepts a 32-byte key in hex or base64 and names a bad one', () => {
    expect(parseConfig({ PLAUDIT_TOKEN_KEY: randomBytes(32).toString('hex') }).google.tokenKey).toHaveLength(32)
    expect(parseConfig({ PLAUDIT_TOKEN_KEY: randomBytes(32).toString('base64') }).google.tokenKey).toHaveLength(32)
    expect(parseConfig({}).google.tokenKey).toBeUndefined()
    expect(() => parseConfig({ PLAUDIT_TOKEN_KEY: 'password123' })).toThrow(ConfigError)
  })

  it('reads the sync schedule and the request budget from config', () => {
    expect(parseConfig({}).google).toMatchObject({ requestsPerMinute: 300, incrementalEveryMinutes: 30, fullEveryHours: 24, tokenUrl: 'https://oauth2.googleapis.com/token' })
    expect(parseConfig({ GOOGLE_REQUESTS_PER_MINUTE: '120', GOOGLE_SYNC_INCREMENTAL_MINUTES: '15', GOOGLE_SYNC_FULL_HOURS: '12' }).google).toMatchObject({ requestsPerMinute: 120, incrementalEveryMinutes: 15, fullEveryHours: 12 })
  })
})
