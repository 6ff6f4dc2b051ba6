import { once } from 'node:events'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import type { Job } from 'bullmq'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer } from '../../src/api/server.ts'
import { reviewIdFor } from '../../src/db/ids.ts'
import { setAggregate } from '../../src/db/stores/locations.ts'
import { createTestimonialFromReview, replaceCollection } from '../../src/services/curation.ts'
import { publishFeed } from '../../src/services/feed-publisher.ts'
import { writeReviewsCsv } from '../support/csv.ts'
import { silentLogger, startPipeline, type Pipeline } from '../support/pipeline.ts'
import { removeKeys, uniquePrefix } from '../support/redis.ts'
import { createTempDatabase, type TempDatabase } from '../support/temp-db.ts'

const NOW = new Date('2026-11-20T12:00:00Z')
const prefix = uniquePrefix('public-embeds')

const TEXTS = {
  a: 'I never felt rushed here. The desk staff were lovely.',
  b: 'She fixed my desk posture and my neck pain is gone.',
  c: 'Great care <script>alert(1)</script> and "quotes" & ampersands.',
  d: 'The adjustments were gentle and I left without pain.',
}

describe('public embeds: compressed bytes, server-rendered HTML, iframe page, freshness', () => {
  let temp: TempDatabase
  let pipeline: Pipeline
  const ids: Record<string, string> = {}
  const url = (path: string) => `${pipeline.api.url}${path}`

  /** Waits for the rebuild-feed job of the worker and the API's reload of the new bytes. */
  /** Runs a rebuild job; a feed whose bytes changed is announced, and the API reloads it before this resolves. */
  const rebuild = async (slug: string) => {
    const reloaded = once(pipeline.api.feeds, 'reloaded')
    const jobId = await pipeline.queue.add('rebuild-feed', { slug })
    const job = await new Promise<Job>((resolveJob) => {
      const onCompleted = (done: Job) => done.id === jobId && (pipeline.worker.off('completed', onCompleted), resolveJob(done))
      pipeline.worker.on('completed', onCompleted)
    })
    if ((job.returnvalue as { changed: boolean }).changed) await reloaded
    return (job.returnvalue as { changed: boolean }).changed
  }

  beforeAll(async () => {
    temp = await createTempDatabase()
    pipeline = await startPipeline(temp.db, prefix, () => NOW)
    await pipeline.importAndAnalyze(writeReviewsCsv(temp.dir, 'r.csv', Object.entries(TEXTS).map(([id, text]) => ({ id, rating: 5, text, url: `https://maps.google.com/?cid=9&review=${id}` }))), 'clinic')
    await setAggregate(temp.db, 'clinic', { source: 'google-business-profile', rating: 4.8, count: 97, url: 'https://maps.google.com/?cid=9', checkedAt: new Date('2026-11-18T00:00:00Z') })
    for (const [id, text] of Object.entries(TEXTS)) {
      const end = id === 'a' ? 'I never felt rushed here.'.length : text.length
      ids[id] = (await createTestimonialFromReview(temp.db, { reviewId: reviewIdFor('clinic', 'import', id), start: 0, end, publish: true }, 'test', NOW)).id
    }
    await replaceCollection(temp.db, { slug: 'home', title: 'Home', testimonialIds: [ids.a!, ids.b!, ids.c!] }, 'test', NOW)
    pipeline.api.feeds.put((await publishFeed(temp.db, 'home', NOW))!)
  })
  afterAll(async () => {
    await pipeline.close()
    await temp.remove()
    await removeKeys(prefix)
  })

  it('serves the feed and widget.js as brotli or gzip bytes prepared in advance, by what the client accepts', async () => {
    for (const path of ['/api/public/v1/collections/home', '/widget.js']) {
      const plain = await fetch(url(path), { headers: { 'accept-encoding': 'identity' } })
      const body = Buffer.from(await plain.arrayBuffer())
      const raw = async (encoding: string) => {
        // node's fetch decodes bodies itself; a raw http request shows the bytes on the wire.
        const { request } = await import('node:http')
        return new Promise<{ encoding: string | undefined; bytes: Buffer }>((resolve, reject) => {
          request(url(path), { headers: { 'accept-encoding': encoding } }, (res) => {
            const chunks: Buffer[] = []
            res.on('data', (c: Buffer) => chunks.push(c))
            res.on('end', () => resolve({ encoding: res.headers['content-encoding'], bytes: Buffer.concat(chunks) }))
          })
            .on('error', reject)
            .end()
        })
      }
      const br = await raw('gzip, deflate, br')
      expect(br.encoding).toBe('br')
      expect(brotliDecompressSync(br.bytes)).toEqual(body)
      const gz = await raw('gzip, br;q=0')
      expect(gz.encoding).toBe('gzip')
      expect(gunzipSync(gz.bytes)).toEqual(body)
      expect((await raw('identity')).encoding).toBeUndefined()
    }
  })

  it('server-renders the collection as escaped HTML with the label, the aggregate link and each testimonial', async () => {
    const response = await fetch(url('/api/public/v1/collections/home.html?layout=list'))
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(response.headers.get('cache-control')).toBe('public, max-age=0, must-revalidate, stale-if-error=86400')
    const html = await response.text()
    expect(html).toContain('<h2>Selected patient reviews</h2>')
    expect(html).toContain('4.8 average over all 97 Google reviews')
    expect(html).toContain('>See all 97 reviews on Google</a>')
    expect(html).toContain('Imported review · checked <time datetime="2026-11-18">2026-11-18</time>')
    expect(html).toContain('I never felt rushed here. …')
    expect(html).toContain('Great care &#60;script&#62;alert(1)&#60;/script&#62; and &#34;quotes&#34; &#38; ampersands.')
    expect(html).not.toContain('<script')
    expect((await (await fetch(url('/api/public/v1/collections/home.html?theme=posture'))).text()).match(/<li>/g)).toHaveLength(1)
    const bad = await fetch(url('/api/public/v1/collections/home.html?layout=carousel'))
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ message: 'layout: must be one of grid, list, badge (got "carousel")' })
    expect((await fetch(url('/api/public/v1/collections/nope.html'))).status).toBe(404)
  })

  it('serves the iframe page with a CSP that allows no script and only its own stylesheet', async () => {
    const response = await fetch(url('/embed/home'))
    expect(response.status).toBe(200)
    const csp = response.headers.get('content-security-policy')!
    expect(csp).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; base-uri 'none'; form-action 'none'; frame-ancestors \*$/)
    const html = await response.text()
    expect(html).not.toMatch(/<script|\son\w+=/i)
  })

  it('gives new bytes and a new ETag after a testimonial is withdrawn, its review edited, or one added (rebuild job)', async () => {
    const feedUrl = url('/api/public/v1/collections/home')
    const htmlUrl = url('/api/public/v1/collections/home.html')
    const current = async () => {
      const response = await fetch(feedUrl)
      return { etag: response.headers.get('etag')!, excerpts: ((await response.json()) as { testimonials: Array<{ excerpt: string }> }).testimonials.map((t) => t.excerpt) }
    }
    const changedSince = async (etag: string) => {
      const response = await fetch(feedUrl, { headers: { 'if-none-match': etag } })
      return response.status
    }
    const start = await current()
    const startHtml = (await fetch(htmlUrl)).headers.get('etag')!
    expect(await changedSince(start.etag)).toBe(304)

    await temp.db.run(sql`update testimonials set status = 'withdrawn', withdrawn_reason = 'review edited' where id = ${ids.c}`)
    expect(await rebuild('home')).toBe(true)
    expect(await changedSince(start.etag)).toBe(200)
    const withdrawn = await current()
    expect(withdrawn.excerpts).toEqual(['I never felt rushed here. …', TEXTS.b])
    expect((await fetch(htmlUrl)).headers.get('etag')).not.toBe(startHtml)

    // The patient edits the review on the source, keeping the quoted words and the rating (a lower
    // rating would withdraw the testimonial); the next import revises it, the worker re-analyses it
    // and rebuilds the feeds quoting it, with no curation step in between.
    const reloaded = once(pipeline.api.feeds, 'reloaded')
    await pipeline.importAndAnalyze(writeReviewsCsv(temp.dir, 'edited.csv', [{ id: 'b', rating: 5, text: `${TEXTS.b} Parking is hard though.`, url: 'https://maps.google.com/?cid=9&review=b' }]), 'clinic')
    expect(await reloaded).toEqual(['home'])
    expect(await changedSince(withdrawn.etag)).toBe(200)
    const edited = await current()
    expect(edited.excerpts[1]).toBe(`${TEXTS.b} …`)

    await replaceCollection(temp.db, { slug: 'home', title: 'Home', testimonialIds: [ids.a!, ids.b!, ids.d!] }, 'test', NOW)
    expect(await rebuild('home')).toBe(true)
    expect(await changedSince(edited.etag)).toBe(200)
    expect((await current()).excerpts).toHaveLength(3)

    // Nothing changed: the same bytes, no announcement, the cached copy stays valid.
    const unchanged = await current()
    expect(await rebuild('home')).toBe(false)
    expect(await changedSince(unchanged.etag)).toBe(304)
  })

  it('lists every review on the all-reviews page, refuses a star filter, and marks up no self-serving rating unless asked', async () => {
    const page = await fetch(url('/reviews/clinic'))
    expect(page.status).toBe(200)
    expect(await page.text()).not.toContain('application/ld+json')
    const starFilter = await fetch(url('/reviews/clinic?rating=5'))
    expect(starFilter.status).toBe(400)
    expect(((await starFilter.json()) as { message: string }).message).toContain('unknown parameter "rating"')

    const withMarkup = await startApiServer({ db: temp.db, redis: pipeline.redis, prefix, logger: silentLogger, adminApiKey: undefined, themeIds: ['posture'], now: () => NOW, port: 0, host: '127.0.0.1', ratingStructuredData: true })
    try {
      const html = await (await fetch(`${withMarkup.url}/reviews/clinic`)).text()
      const jsonLd = /<script type="application\/ld\+json">(.*?)<\/script>/.exec(html)
      expect(JSON.parse(jsonLd![1]!)).toMatchObject({ aggregateRating: { ratingValue: 4.8, reviewCount: 97 } })
    } finally {
      await withMarkup.close()
    }
  })
})
