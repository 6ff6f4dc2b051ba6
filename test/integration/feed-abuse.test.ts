import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer, type RunningApi } from '../../src/api/server.ts'
import { silentLogger, startPipeline, type Pipeline } from '../support/pipeline.ts'
import { publishOneReviewFeed } from '../support/one-review-feed.ts'
import { removeKeys, uniquePrefix } from '../support/redis.ts'
import { createTempDatabase, type TempDatabase } from '../support/temp-db.ts'

// Issue 13, point 10: the HTML feed cache emptied itself after 200 variants, and its links were
// built from the Host header.

const NOW = new Date('2026-11-20T12:00:00Z')
const prefix = uniquePrefix('feed-abuse')
const BASE = 'https://reviews.example.com'

/** A GET with headers fetch() will not send as given (Host). */
function get(base: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; etag: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(path, base)
    request({ host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, headers, agent: false }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, etag: res.headers.etag, body }))
    })
      .on('error', reject)
      .end()
  })
}

describe('the rendered feed under hostile requests', () => {
  let temp: TempDatabase
  let pipeline: Pipeline
  let api: RunningApi

  beforeAll(async () => {
    temp = await createTempDatabase()
    pipeline = await startPipeline(temp.db, prefix, () => NOW)
    // No aggregate and no review links: the only link is the all-reviews page on this service.
    const feed = await publishOneReviewFeed(temp, pipeline, NOW)
    api = await startApiServer({
      db: temp.db, redis: pipeline.redis, prefix, logger: silentLogger, adminApiKey: undefined, themeIds: [], now: () => NOW,
      port: 0, host: '127.0.0.1', publicBaseUrl: BASE,
    })
    api.feeds.put(feed)
    pipeline.api.feeds.put(feed)
  })
  afterAll(async () => {
    await api.close()
    await pipeline.close()
    await temp.remove()
    await removeKeys(prefix)
  })

  it('builds links from PUBLIC_BASE_URL: a forged Host header never appears in the page', async () => {
    for (const path of ['/api/public/v1/collections/home.html', '/embed/home', '/api/public/v1/collections/home.html?layout=grid']) {
      const forged = await get(api.url, path, { host: 'evil.example', 'x-forwarded-proto': 'https' })
      expect(forged.status).toBe(200)
      expect(forged.body).toContain(`href="${BASE}/reviews/clinic"`)
      expect(forged.body).not.toContain('evil.example')
    }
    // Without PUBLIC_BASE_URL (development) the links name localhost and the port, whatever the Host.
    const dev = await get(pipeline.api.url, '/api/public/v1/collections/home.html', { host: 'evil.example' })
    expect(dev.body).toContain(`href="http://localhost:${new URL(pipeline.api.url).port}/reviews/clinic"`)
    expect(dev.body).not.toContain('evil.example')
  })

  it('keeps one rendering for query strings that differ only in order, case, repeats or unknown parameters', async () => {
    const before = api.feeds.renderingCount
    const variants = [
      '?layout=grid&max=3&theme=posture,never-rushed',
      '?max=3&layout=grid&theme=never-rushed,posture',
      '?MAX=3&Layout=GRID&theme=posture%20never-rushed&utm_source=x',
      '?layout=grid&max=03&theme=posture,never-rushed,posture&cachebuster=1',
      '?layout=grid&max=3&theme=posture,never-rushed&cachebuster=2',
    ]
    const etags = new Set<string | undefined>()
    for (const query of variants) {
      const response = await get(api.url, `/api/public/v1/collections/home.html${query}`)
      expect(response.status).toBe(200)
      etags.add(response.etag)
    }
    expect(etags.size).toBe(1)
    expect(api.feeds.renderingCount - before).toBe(1)
    // A real difference is a different rendering, and a bad value is still refused.
    expect((await get(api.url, '/api/public/v1/collections/home.html?layout=badge&max=3')).etag).not.toBe([...etags][0])
    expect((await get(api.url, '/api/public/v1/collections/home.html?layout=carousel')).status).toBe(400)
  })

  it('holds a bounded number of renderings when a crawler cycles thousands of variants, and keeps serving', async () => {
    const layouts = ['grid', 'list', 'badge']
    const themes = ['', 'posture', 'never-rushed', 'staff', 'cost', 'gentle', 'booking', 'posture,staff', 'cost,gentle', 'booking,staff', 'wait-time', 'root-cause', 'home-care', 'pain-relief']
    let requests = 0
    for (const embed of [false, true]) {
      for (const layout of layouts) {
        for (let max = 1; max <= 50; max++) {
          for (const theme of themes) {
            const path = embed ? '/embed/home' : '/api/public/v1/collections/home.html'
            const response = await get(api.url, `${path}?layout=${layout}&max=${max}${theme ? `&theme=${theme}` : ''}`)
            expect(response.status).toBe(200)
            requests++
          }
        }
      }
    }
    expect(requests).toBe(4200)
    expect(api.feeds.renderingCount).toBe(2000)
  })
})
