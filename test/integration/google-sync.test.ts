import { sql } from 'drizzle-orm'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { backoffDelay } from '../../src/domain/google-sync.ts'
import { reviewIdFor } from '../../src/db/ids.ts'
import { getGoogleLocation, getReviewDetails, listConnections } from '../../src/db/stores/google.ts'
import { loadFeed } from '../../src/db/stores/feeds.ts'
import { getLocation } from '../../src/db/stores/locations.ts'
import { ReviewStore } from '../../src/db/stores/reviews.ts'
import { getTestimonial } from '../../src/db/stores/testimonials.ts'
import { createTestimonialFromReview, replaceCollection } from '../../src/services/curation.ts'
import { publishFeed } from '../../src/services/feed-publisher.ts'
import { isFinalSyncError, syncGoogleLocation } from '../../src/services/google-sync.ts'
import { FakeGoogle, fixture, LOCATION } from '../support/fake-google.ts'
import { useFakeGoogle, type GoogleHarness } from '../support/google-harness.ts'
import { uniquePrefix } from '../support/redis.ts'
import type { TempDatabase } from '../support/temp-db.ts'

const MARIANA = 'AbFvOqnQ7xL2mK9pR4tW8yZ1cE5hJ3sU6vB0nD2fGq'
const DEREK = 'AbFvOqkD4sV9nT1wX6cB2mL8pQ5rY0uH3eJ7zK4aFt'
const ANONYMOUS = 'AbFvOqm8Hc3Lq6Ws1Ty9Ue4Io7Pa2Sd5Fg0Jk3Zx6C'
const KENJI = 'AbFvOqp2Vb7Nm4Qw9Er6Ty1Ui3Op8As5Df0Gh2Jk7L'
const LUCIA = 'AbFvOqr5Zx1Cv8Bn3Mq6Wl9Ek2Rt7Yu4Io0Pa6Sd1F'

/** Request counts the fake server saw, reported in the note. */
export const measured: Record<string, number> = {}

describe('Google Business Profile sync against the fake Google server', () => {
  const suite = useFakeGoogle(uniquePrefix('google-sync'), '2026-11-25T09:00:00Z')
  const clock = suite.clock
  let temp: TempDatabase
  let fake: FakeGoogle
  let google: GoogleHarness
  let locationId: string
  const sync = (full = false, id = locationId) => syncGoogleLocation(google.deps, { locationId: id, full })
  const idOf = (externalId: string) => reviewIdFor(locationId, 'google-business-profile', externalId)

  beforeEach(() => {
    ;({ temp, fake, google, locationId } = suite)
  })
  afterAll(() => {
    console.log(`fake Google request counts: ${JSON.stringify(measured)}`)
  })

  it('stores every review with Google’s own aggregate, reply, anonymous name, rating-only and translation split', async () => {
    const report = await sync()
    expect(report).toMatchObject({ pages: 1, inserted: 5, revised: 0, skipped: null })
    expect(fake.count('token')).toBe(1)
    const reviewsRequest = fake.requests.find((r) => r.kind === 'reviews')!
    expect(reviewsRequest.path).toBe(`/v4/${LOCATION}/reviews`)
    expect(Object.fromEntries(reviewsRequest.query)).toEqual({ pageSize: '50', orderBy: 'updateTime desc' })

    expect((await getLocation(temp.db, locationId))?.aggregate).toEqual({ source: 'google-business-profile', rating: 4.2, count: 5, url: null, checkedAt: new Date('2026-11-25T09:00:00Z') })
    const store = new ReviewStore(temp.db)
    expect(await store.get(idOf(ANONYMOUS))).toMatchObject({ author: 'A Google User', rating: 4 })
    expect(await store.get(idOf(KENJI))).toMatchObject({ author: 'Kenji Watanabe', rating: 5, text: '' })
    const lucia = (await store.get(idOf(LUCIA)))!
    expect(lucia.text).toMatch(/^Llegué con dolor de cuello/)
    expect(lucia.text).not.toContain('(Original)')
    expect((await getReviewDetails(temp.db, idOf(LUCIA)))?.translation).toMatch(/^I came in with neck and upper-back pain/)
    expect(await getReviewDetails(temp.db, idOf(MARIANA))).toMatchObject({ replyComment: expect.stringMatching(/^Thank you, Mariana!/), replyUpdatedAt: new Date('2026-10-03T15:12:44.508Z') })
    expect((await store.get(idOf(DEREK)))?.rating).toBe(2)
    expect(google.analysisBatches.flat()).toHaveLength(5)
  })

  it('costs exactly one request to check a location where nothing changed', async () => {
    await sync()
    const before = fake.count()
    clock.advance(30 * 60_000)
    const report = await sync()
    measured.unchangedLocation = fake.count() - before
    expect(fake.count() - before).toBe(1)
    expect(report).toMatchObject({ pages: 1, inserted: 0, revised: 0 })
    expect((await getGoogleLocation(temp.db, locationId))?.lastSyncAt).toEqual(new Date('2026-11-25T09:30:00Z'))
  })

  it('walks every page in a full sync (3 pages of 2) and marks a review deleted on Google as removed', async () => {
    fake.pageSize = 2
    await sync(true)
    fake.remove(DEREK)
    const before = fake.count('reviews')
    clock.advance(24 * 3_600_000)
    fake.pageSize = 2
    fake.reviews.push({ ...structuredClone(fake.review(KENJI)), name: `${LOCATION}/reviews/NEW1`, reviewId: 'NEW1', updateTime: '2026-11-20T10:00:00Z', createTime: '2026-11-20T10:00:00Z' })
    const report = await sync(true)
    measured.fullSyncThreePages = fake.count('reviews') - before
    expect(report.pages).toBe(3)
    expect(fake.count('reviews') - before).toBe(3)
    expect(report.removed).toBe(1)
    expect((await new ReviewStore(temp.db).get(idOf(DEREK)))?.status).toBe('removed')
    expect((await new ReviewStore(temp.db).get(idOf('NEW1')))?.status).toBe('active')
  })

  it('fetches only what changed since the last sync and stops at the first review it already has', async () => {
    await sync()
    clock.advance(30 * 60_000)
    fake.edit(DEREK, { comment: 'Scheduling is much better now. Dr. Daniel fixed my stiff neck.', starRating: 'FOUR', updateTime: '2026-11-25T09:10:00Z' })
    const before = fake.count('reviews')
    const report = await sync()
    expect(fake.count('reviews') - before).toBe(1)
    expect(report).toMatchObject({ inserted: 0, revised: 1 })
    expect(await new ReviewStore(temp.db).get(idOf(DEREK))).toMatchObject({ rating: 4, revision: 2 })
  })

  describe('the verbatim guarantee', () => {
    async function publishQuote(externalId: string, quote: string): Promise<{ testimonialId: string }> {
      await sync()
      const review = (await new ReviewStore(temp.db).get(idOf(externalId)))!
      const start = review.text.indexOf(quote)
      const t = await createTestimonialFromReview(temp.db, { reviewId: review.id, start, end: start + quote.length, publish: true }, 'marketing', clock.now())
      await replaceCollection(temp.db, { slug: 'upper-back-pain', title: 'Upper back pain', testimonialIds: [t.id] }, 'marketing', clock.now())
      await publishFeed(temp.db, 'upper-back-pain', clock.now())
      expect(JSON.parse((await loadFeed(temp.db, 'upper-back-pain'))!.body).testimonials).toHaveLength(1)
      clock.set('2026-11-26T08:00:00Z')
      return { testimonialId: t.id }
    }
    const auditFor = (id: string) =>
      temp.db.all<{ actor: string; action: string; after: string }>(sql`select actor, action, after from audit_log where subject = ${id} and action = 'testimonial.withdrawn'`)

    it('withdraws a testimonial when the patient edits the quoted sentence away, rebuilds the feed and logs why', async () => {
      const { testimonialId } = await publishQuote(MARIANA, 'Nobody rushed me out the door.')
      fake.edit(MARIANA, { comment: 'I came in with upper-back pain. Dr. Daniel listened. Highly recommend.', updateTime: '2026-11-26T07:00:00Z' })
      const report = await sync()
      expect(report.withdrawn).toEqual([{ testimonialId, reason: 'excerpt-no-longer-verbatim' }])
      expect(await getTestimonial(temp.db, testimonialId)).toMatchObject({ status: 'withdrawn', withdrawnReason: 'excerpt-no-longer-verbatim' })
      expect(await auditFor(testimonialId)).toEqual([{ actor: 'google-sync', action: 'testimonial.withdrawn', after: JSON.stringify({ status: 'withdrawn', reason: 'excerpt-no-longer-verbatim' }) }])
      const feed = JSON.parse((await loadFeed(temp.db, 'upper-back-pain'))!.body)
      expect(feed.testimonials).toEqual([])
      expect(feed.aggregate).toMatchObject({ source: 'google-business-profile', rating: 4.2, count: 5, checkedAt: '2026-11-26' })
      expect(google.announced).toContain('upper-back-pain')
    })

    it('keeps the testimonial when the edit leaves the quoted words in place', async () => {
      const { testimonialId } = await publishQuote(MARIANA, 'I came in with upper-back pain')
      const review = fake.review(MARIANA)
      fake.edit(MARIANA, { comment: `${review.comment} Update: still great.`, updateTime: '2026-11-26T07:00:00Z' })
      expect((await sync()).withdrawn).toEqual([])
      expect((await getTestimonial(temp.db, testimonialId))?.status).toBe('published')
    })

    it('withdraws a testimonial when the patient lowers the rating', async () => {
      const { testimonialId } = await publishQuote(MARIANA, 'Nobody rushed me out the door.')
      fake.edit(MARIANA, { starRating: 'THREE', updateTime: '2026-11-26T07:00:00Z' })
      expect((await sync()).withdrawn).toEqual([{ testimonialId, reason: 'rating-lowered' }])
      expect(await auditFor(testimonialId)).toHaveLength(1)
    })

    it('withdraws a testimonial when a full sync finds the review removed from Google', async () => {
      const { testimonialId } = await publishQuote(MARIANA, 'Nobody rushed me out the door.')
      fake.remove(MARIANA)
      const report = await sync(true)
      expect(report.withdrawn).toEqual([{ testimonialId, reason: 'review-removed' }])
      expect(JSON.parse((await loadFeed(temp.db, 'upper-back-pain'))!.body).testimonials).toEqual([])
      expect((await getLocation(temp.db, locationId))?.aggregate).toMatchObject({ count: 4 })
    })

    it('refuses to quote a rating-only review', async () => {
      await sync()
      await expect(createTestimonialFromReview(temp.db, { reviewId: idOf(KENJI), start: 0, end: 3, publish: true }, 'marketing', clock.now())).rejects.toThrow('has a rating but no text to quote')
    })
  })

  describe('quotas and failures', () => {
    it('honours Retry-After through a storm of 429s and then finishes', async () => {
      await sync()
      fake.inject('reviews', { status: 429, body: fixture('error-429.json'), headers: { 'retry-after': '7' } }, 4)
      const before = fake.count()
      const report = await sync(true)
      measured.storm429 = fake.count() - before
      expect(fake.count() - before).toBe(5)
      expect(google.sleeps).toEqual([7000, 7000, 7000, 7000])
      expect(report.pages).toBe(1)
    })

    it('backs off exponentially with jitter on 503 without Retry-After', async () => {
      await sync()
      fake.inject('reviews', { status: 503, body: fixture('error-503.json') }, 2)
      await sync()
      expect(google.sleeps).toEqual([backoffDelay(0, () => 0.5), backoffDelay(1, () => 0.5)])
      expect(google.sleeps).toEqual([500, 1000])
    })

    it('gives the job back to the queue after the last attempt when Google stays unavailable', async () => {
      await sync()
      fake.inject('reviews', { status: 503, body: fixture('error-503.json') }, 10)
      const before = fake.count('reviews')
      const error = await sync().catch((e: Error) => e)
      expect(error).toBeInstanceOf(Error)
      expect((error as Error).name).toBe('GoogleUnavailableError')
      expect(isFinalSyncError(error)).toBe(false)
      expect(fake.count('reviews') - before).toBe(6)
    })

    it('does not retry a 403 and records Google’s message', async () => {
      fake.inject('reviews', { status: 403, body: fixture('error-403-api-disabled.json') })
      const error = await sync().catch((e: Error) => e)
      expect(isFinalSyncError(error)).toBe(true)
      expect((error as Error).message).toContain('Google My Business API has not been used in project 123456789012')
      expect(fake.count('reviews')).toBe(1)
      expect(google.sleeps).toEqual([])
      expect((await getGoogleLocation(temp.db, locationId))?.lastError).toContain('PERMISSION_DENIED: Google My Business API has not been used')
    })

    it('does not retry a 404 or a 400', async () => {
      fake.inject('reviews', { status: 404, body: fixture('error-404.json') })
      expect(isFinalSyncError(await sync().catch((e: Error) => e))).toBe(true)
      fake.inject('reviews', { status: 400, body: { error: { code: 400, message: 'Request contains an invalid argument.', status: 'INVALID_ARGUMENT' } } })
      expect(isFinalSyncError(await sync().catch((e: Error) => e))).toBe(true)
      expect(fake.count('reviews')).toBe(2)
    })

    it('marks the connection needs_reauth when the refresh after a 401 is refused, and makes no further requests for it', async () => {
      // One 401 alone is answered by a refresh and a retry (google-token-refresh.test.ts); here the refresh is refused.
      await sync()
      fake.inject('reviews', { status: 401, body: fixture('error-401.json') })
      fake.inject('token', { status: 400, body: fixture('oauth-invalid-grant.json') })
      const error = await sync().catch((e: Error) => e)
      expect((error as Error).name).toBe('GoogleReauthRequiredError')
      expect((await listConnections(temp.db))[0]).toMatchObject({ status: 'needs_reauth', lastError: expect.stringContaining('invalid_grant') })
      const before = fake.count()
      expect(await sync()).toMatchObject({ skipped: 'needs_reauth', pages: 0 })
      expect(await sync(true)).toMatchObject({ skipped: 'needs_reauth', pages: 0 })
      expect(fake.count()).toBe(before)
    })

    it('marks the connection needs_reauth when Google answers invalid_grant to the token refresh', async () => {
      fake.validRefreshTokens.clear()
      const error = await sync().catch((e: Error) => e)
      expect((error as Error).name).toBe('GoogleReauthRequiredError')
      expect((error as Error).message).toContain('invalid_grant')
      expect(fake.count('token')).toBe(1)
      expect(fake.count('reviews')).toBe(0)
      expect((await getGoogleLocation(temp.db, locationId))?.connectionStatus).toBe('needs_reauth')
    })

    it('fails only the location whose answer was truncated, with a clear error', async () => {
      const other = await google.addLocation({ googleName: 'accounts/108543210987654321098/locations/999', locationId: 'other-clinic' })
      fake.inject('reviews', { status: 200, raw: '{"reviews":[{"name":"accounts/1/locations/2/revi' })
      const error = await sync().catch((e: Error) => e)
      expect((error as Error).name).toBe('GoogleBadResponseError')
      expect((error as Error).message).toMatch(/truncated or not JSON/)
      expect(isFinalSyncError(error)).toBe(true)
      await expect(sync(false, other)).resolves.toMatchObject({ inserted: 5 })
      expect((await getGoogleLocation(temp.db, locationId))?.lastError).toMatch(/truncated/)
      expect((await getGoogleLocation(temp.db, other))?.lastError).toBeNull()
    })

    it('fails clearly on a non-JSON body', async () => {
      fake.inject('reviews', { status: 200, raw: '<html>Bad gateway</html>' })
      await expect(sync()).rejects.toThrow(/truncated or not JSON/)
    })
  })
})
