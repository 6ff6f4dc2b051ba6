import { Redis } from 'ioredis'
import { beforeAll, describe, expect, it } from 'vitest'
import { startApiServer, type RunningApi } from '../../src/api/server.ts'
import { reviewIdFor } from '../../src/db/ids.ts'
import { writeReviewsCsv } from '../support/csv.ts'
import { ADMIN_KEY, silentLogger, usePipeline } from '../support/pipeline.ts'
import { uniquePrefix } from '../support/redis.ts'

const NOW = new Date('2026-11-20T12:00:00Z')
const prefix = uniquePrefix('api')

interface ReviewsPage {
  reviews: Array<{ id: string; externalId: string; rating: number; text: string; themes: Record<string, string> }>
  nextCursor: string | null
}

describe('the API', () => {
  const suite = usePipeline(prefix, () => NOW)
  let base: string

  beforeAll(async () => {
    base = suite.pipeline.api.url
    const rows = [
      { id: 'r1', rating: 5, text: 'I never felt rushed. Dr. Daniel took his time.', createdAt: '2025-01-01T10:00:00Z' },
      { id: 'r2', rating: 1, text: 'In and out in five minutes, felt rushed and ignored.', createdAt: '2025-01-02T10:00:00Z' },
      { id: 'r3', rating: 4, text: 'Great advice on my desk posture and monitor height.', createdAt: '2025-01-03T10:00:00Z' },
      { id: 'r4', rating: 5, text: 'The front desk staff were lovely; 100% would recommend_', createdAt: '2025-01-04T10:00:00Z' },
      { id: 'r5', rating: 3, text: '', createdAt: '2025-01-05T10:00:00Z' },
      ...Array.from({ length: 25 }, (_, i) => ({ id: `f${i}`, rating: (i % 5) + 1, text: `Filler review number ${i}.`, createdAt: `2024-06-${String(i + 1).padStart(2, '0')}T10:00:00Z` })),
    ]
    await suite.pipeline.importAndAnalyze(writeReviewsCsv(suite.temp.dir, 'api.csv', rows), 'clinic')
  })

  // The review list names reviewers: it needs a key (issue 13); other reads ignore the header.
  const get = async (path: string) => {
    const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })
    return { status: response.status, body: (await response.json()) as Record<string, unknown> }
  }
  const post = (path: string, body: unknown, key: string | null = ADMIN_KEY) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(key && { authorization: `Bearer ${key}` }) }, body: JSON.stringify(body) })

  describe('GET /healthz', () => {
    it('answers 200 when the database and Redis answer', async () => {
      expect(await get('/healthz')).toEqual({ status: 200, body: { status: 'ok', checks: { database: true, redis: true } } })
    })

    it('answers 503 naming Redis when Redis is down', async () => {
      const deadRedis = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false })
      deadRedis.on('error', () => undefined)
      const api: RunningApi = await startApiServer({ db: suite.temp.db, redis: deadRedis, prefix, logger: silentLogger, adminApiKey: ADMIN_KEY, themeIds: ['posture'], now: () => NOW, port: 0, host: '127.0.0.1' })
      try {
        const response = await fetch(`${api.url}/healthz`)
        expect(response.status).toBe(503)
        expect(await response.json()).toMatchObject({ checks: { database: true, redis: false }, message: 'redis not answering' })
      } finally {
        await api.close()
        deadRedis.disconnect()
      }
    })
  })

  describe('GET /api/v1/locations/:id/reviews', () => {
    it('filters by theme and polarity', async () => {
      const praise = await get('/api/v1/locations/clinic/reviews?theme=never-rushed&polarity=positive')
      expect((praise.body as unknown as ReviewsPage).reviews.map((r) => r.externalId)).toEqual(['r1'])
      const complaints = await get('/api/v1/locations/clinic/reviews?theme=never-rushed&polarity=negative')
      expect((complaints.body as unknown as ReviewsPage).reviews.map((r) => r.externalId)).toEqual(['r2'])
    })

    it('filters by rating and by words, treating % and _ as plain characters', async () => {
      const oneStar = (await get('/api/v1/locations/clinic/reviews?rating=1&limit=100')).body as unknown as ReviewsPage
      expect(oneStar.reviews.every((r) => r.rating === 1)).toBe(true)
      expect(oneStar.reviews).toHaveLength(6)
      const words = (await get('/api/v1/locations/clinic/reviews?q=monitor%20height')).body as unknown as ReviewsPage
      expect(words.reviews.map((r) => r.externalId)).toEqual(['r3'])
      const percent = (await get('/api/v1/locations/clinic/reviews?q=100%25')).body as unknown as ReviewsPage
      expect(percent.reviews.map((r) => r.externalId)).toEqual(['r4'])
      const underscore = (await get('/api/v1/locations/clinic/reviews?q=d_')).body as unknown as ReviewsPage
      expect(underscore.reviews.map((r) => r.externalId)).toEqual(['r4'])
    })

    it('walks every review once through cursor pages, in each sort order', async () => {
      for (const sort of ['newest', 'oldest', 'highest', 'lowest']) {
        const seen: string[] = []
        let cursor: string | null = null
        do {
          const page = (await get(`/api/v1/locations/clinic/reviews?sort=${sort}&limit=7${cursor ? `&cursor=${cursor}` : ''}`)).body as unknown as ReviewsPage
          seen.push(...page.reviews.map((r) => r.externalId))
          cursor = page.nextCursor
        } while (cursor)
        expect(seen, sort).toHaveLength(30)
        expect(new Set(seen).size, sort).toBe(30)
      }
      const newest = (await get('/api/v1/locations/clinic/reviews?sort=newest&limit=2')).body as unknown as ReviewsPage
      expect(newest.reviews.map((r) => r.externalId)).toEqual(['r5', 'r4'])
      const highest = (await get('/api/v1/locations/clinic/reviews?sort=highest&limit=1')).body as unknown as ReviewsPage
      expect(highest.reviews[0]!.rating).toBe(5)
    })

    it.each([
      ['sort=random', 'sort'],
      ['theme=parking', 'theme'],
      ['polarity=lukewarm', 'polarity'],
      ['rating=6', 'rating'],
      ['limit=1000', 'limit'],
      ['limit=ten', 'limit'],
      ['cursor=not-a-cursor', 'cursor'],
      ['orderBy=rating', '"orderBy"'],
    ])('answers 400 naming the parameter for %s', async (query, name) => {
      const { status, body } = await get(`/api/v1/locations/clinic/reviews?${query}`)
      expect(status).toBe(400)
      expect(body.message).toContain(name)
    })

    it('answers 404 for a location that does not exist', async () => {
      expect((await get('/api/v1/locations/nowhere/reviews')).status).toBe(404)
    })
  })

  describe('POST /api/v1/testimonials', () => {
    const reviewId = reviewIdFor('clinic', 'import', 'r1')

    it('needs the admin API key', async () => {
      expect((await post('/api/v1/testimonials', { reviewId, start: 0, end: 20 }, null)).status).toBe(401)
      expect((await post('/api/v1/testimonials', { reviewId, start: 0, end: 20 }, 'wrong-key-wrong-key')).status).toBe(401)
    })

    it('keeps the excerpt verbatim and starts it as a draft', async () => {
      const response = await post('/api/v1/testimonials', { reviewId, start: 0, end: 20 })
      expect(response.status).toBe(201)
      expect(await response.json()).toMatchObject({ testimonial: { status: 'draft', excerpt: { start: 0, end: 20, text: 'I never felt rushed.' } } })
    })

    it('refuses with 422 an excerpt that is not in the review, or a review with no text', async () => {
      const outside = await post('/api/v1/testimonials', { reviewId, start: 10, end: 500 })
      expect(outside.status).toBe(422)
      expect(((await outside.json()) as { message: string }).message).toContain('not verbatim')
      expect((await post('/api/v1/testimonials', { reviewId: reviewIdFor('clinic', 'import', 'r5'), start: 0, end: 1 })).status).toBe(422)
    })

    it('refuses retyped text: the body takes offsets only', async () => {
      const response = await post('/api/v1/testimonials', { reviewId, start: 0, end: 20, text: 'I was never rushed!' })
      expect(response.status).toBe(400)
      expect(((await response.json()) as { message: string }).message).toContain('"text"')
    })

    it('answers 404 for an unknown review and 400 for a body that is not JSON', async () => {
      expect((await post('/api/v1/testimonials', { reviewId: 'rv_nope', start: 0, end: 5 })).status).toBe(404)
      const broken = await fetch(`${base}/api/v1/testimonials`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` }, body: '{"reviewId":' })
      expect(broken.status).toBe(400)
    })
  })

  describe('PUT /api/v1/collections/:slug', () => {
    it('keeps the given order and refuses unknown testimonials', async () => {
      const make = async (externalId: string, end: number) =>
        ((await (await post('/api/v1/testimonials', { reviewId: reviewIdFor('clinic', 'import', externalId), start: 0, end, publish: true })).json()) as { testimonial: { id: string } }).testimonial.id
      const a = await make('r1', 20)
      const b = await make('r3', 23)
      const put = (ids: string[]) =>
        fetch(`${base}/api/v1/collections/posture-page`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` }, body: JSON.stringify({ testimonialIds: ids }) })

      expect((await put([b, a])).status).toBe(200)
      const feed = (await (await fetch(`${base}/api/public/v1/collections/posture-page`)).json()) as { testimonials: Array<{ id: string }> }
      expect(feed.testimonials.map((t) => t.id)).toEqual([b, a])

      const unknown = await put([a, 'tm_missing'])
      expect(unknown.status).toBe(422)
      expect(((await unknown.json()) as { message: string }).message).toContain('tm_missing')
    })

    it('answers 404 on the public feed of a collection that does not exist', async () => {
      const response = await fetch(`${base}/api/public/v1/collections/nothing-here`)
      expect(response.status).toBe(404)
      expect(response.headers.get('access-control-allow-origin')).toBe('*')
    })
  })
})
