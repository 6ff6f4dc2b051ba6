import { once } from 'node:events'
import { sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { reviewIdFor } from '../../src/db/ids.ts'
import { writeReviewsCsv } from '../support/csv.ts'
import { ADMIN_KEY, usePipeline } from '../support/pipeline.ts'
import { uniquePrefix } from '../support/redis.ts'

const NOW = new Date('2026-11-20T12:00:00Z')
const prefix = uniquePrefix('pipeline')

describe('from a CSV file to a testimonial on the public feed', () => {
  const suite = usePipeline(prefix, () => NOW)


  const write = (method: string, path: string, body: unknown) =>
    fetch(`${suite.pipeline.api.url}${path}`, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` }, body: JSON.stringify(body) })

  it('imports, tags in the worker, curates, publishes, and changes the ETag when the collection changes', async () => {
    const rows = Array.from({ length: 230 }, (_, i) => ({
      id: `p${i}`,
      rating: 5,
      text: i % 2 === 0 ? `I never felt rushed here. Visit ${i} was great.` : `She fixed my desk posture and my neck pain is gone. Visit ${i}.`,
      createdAt: `2025-01-${String((i % 28) + 1).padStart(2, '0')}T10:00:00Z`,
    }))
    const file = writeReviewsCsv(suite.temp.dir, 'clinic.csv', rows)

    const imported = await suite.pipeline.importAndAnalyze(file, 'clinic')
    expect(imported).toMatchObject({ rowsInserted: 230, rowsRejected: 0 })

    const mentionCount = (await suite.temp.db.get<{ n: number }>(sql`select count(distinct review_id) as n from mentions`))!
    expect(mentionCount.n).toBe(230)

    const listed = await fetch(`${suite.pipeline.api.url}/api/v1/locations/clinic/reviews?theme=never-rushed&polarity=positive&limit=100`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })
    const page = (await listed.json()) as { reviews: Array<{ id: string; text: string; themes: Record<string, string> }> }
    expect(page.reviews).toHaveLength(100)
    expect(page.reviews.every((r) => r.themes['never-rushed'] === 'positive')).toBe(true)

    const reviewId = reviewIdFor('clinic', 'import', 'p0')
    const created = await write('POST', '/api/v1/testimonials', { reviewId, start: 0, end: 25, publish: true })
    expect(created.status).toBe(201)
    const { testimonial } = (await created.json()) as { testimonial: { id: string; excerpt: { text: string } } }
    expect(testimonial.excerpt.text).toBe('I never felt rushed here.')

    expect((await write('PUT', '/api/v1/collections/home', { title: 'Home', testimonialIds: [testimonial.id] })).status).toBe(200)
    const feedUrl = `${suite.pipeline.api.url}/api/public/v1/collections/home`
    const first = await fetch(feedUrl)
    expect(first.status).toBe(200)
    expect(first.headers.get('access-control-allow-origin')).toBe('*')
    expect(first.headers.get('cache-control')).toContain('max-age')
    const etag = first.headers.get('etag')!
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/)
    const feed = (await first.json()) as { label: string; aggregate: { count: number; rating: number }; testimonials: Array<{ excerpt: string; attribution: string }> }
    expect(feed.label).toBe('Selected patient reviews')
    expect(feed.aggregate).toMatchObject({ count: 230, rating: 5 })
    expect(feed.testimonials).toEqual([expect.objectContaining({ excerpt: 'I never felt rushed here. …', attribution: 'Verified patient' })])

    const revalidated = await fetch(feedUrl, { headers: { 'if-none-match': etag } })
    expect(revalidated.status).toBe(304)

    const second = await write('POST', '/api/v1/testimonials', { reviewId: reviewIdFor('clinic', 'import', 'p1'), start: 0, end: 33, publish: true })
    const secondId = ((await second.json()) as { testimonial: { id: string } }).testimonial.id
    await write('PUT', '/api/v1/collections/home', { title: 'Home', testimonialIds: [secondId, testimonial.id] })

    const changed = await fetch(feedUrl, { headers: { 'if-none-match': etag } })
    expect(changed.status).toBe(200)
    expect(changed.headers.get('etag')).not.toBe(etag)
    expect(((await changed.json()) as { testimonials: unknown[] }).testimonials).toHaveLength(2)
  })

  it('rebuilds a feed in a worker job and the API serves the new bytes', async () => {
    const before = (await suite.pipeline.api.feeds.get('home'))!.etag
    await suite.temp.db.run(sql`update collections set title = 'Never rushed' where slug = 'home'`)
    const reloaded = once(suite.pipeline.api.feeds, 'reloaded')
    await suite.pipeline.queue.add('rebuild-feed', { slug: 'home' })
    await reloaded
    const response = await fetch(`${suite.pipeline.api.url}/api/public/v1/collections/home`)
    expect(response.headers.get('etag')).not.toBe(before)
    expect(((await response.json()) as { collection: { title: string } }).collection.title).toBe('Never rushed')
  })

  it("shows a new import's review count in the public feed: the aggregate change rebuilds it", async () => {
    const before = (await (await fetch(`${suite.pipeline.api.url}/api/public/v1/collections/home`)).json()) as { aggregate: { count: number } }
    const reloaded = once(suite.pipeline.api.feeds, 'reloaded')
    await suite.pipeline.importAndAnalyze(writeReviewsCsv(suite.temp.dir, 'more.csv', [{ id: 'late-1', rating: 1, text: 'I waited an hour and nobody said sorry.' }]), 'clinic')
    await reloaded
    const after = (await (await fetch(`${suite.pipeline.api.url}/api/public/v1/collections/home`)).json()) as { aggregate: { count: number } }
    expect(after.aggregate.count).toBe(before.aggregate.count + 1)
  })

})
