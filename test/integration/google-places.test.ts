import { request } from 'node:http'
import type { Redis } from 'ioredis'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer, type RunningApi } from '../../src/api/server.ts'
import { setPlaceLocation } from '../../src/db/stores/google.ts'
import { ensureLocation } from '../../src/db/stores/locations.ts'
import { FakeGoogle, PLACE_ID } from '../support/fake-google.ts'
import { silentLogger } from '../support/pipeline.ts'
import { connectTestRedis, removeKeys, uniquePrefix } from '../support/redis.ts'
import { createTempDatabase, type TempDatabase } from '../support/temp-db.ts'

const prefix = uniquePrefix('google-places')

describe('the Places API (New) fallback for a location known only by its Place id', () => {
  let temp: TempDatabase
  let fake: FakeGoogle
  let redis: Redis
  let api: RunningApi

  beforeAll(async () => {
    temp = await createTempDatabase()
    fake = await new FakeGoogle().start()
    redis = connectTestRedis()
    api = await startApiServer({
      db: temp.db,
      redis,
      prefix,
      logger: silentLogger,
      adminApiKey: undefined,
      themeIds: [],
      now: () => new Date('2026-11-25T09:00:00Z'),
      port: 0,
      host: '127.0.0.1',
      places: { apiKey: 'test-places-key', apiRoot: fake.url },
    })
    await ensureLocation(temp.db, { id: 'mission-clinic', name: 'Mission clinic' })
    await setPlaceLocation(temp.db, 'mission-clinic', PLACE_ID)
  })
  afterAll(async () => {
    await api.close()
    await redis.quit()
    await fake.stop()
    await temp.remove()
    await removeKeys(prefix)
  })

  it('shows at most 5 Google reviews with Google’s attribution, fetched at display time and never stored', async () => {
    const response = await fetch(`${api.url}/api/public/v1/locations/mission-clinic/google-reviews`)
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    const body = (await response.json()) as { source: string; attribution: string; aggregate: unknown; reviews: Array<Record<string, unknown>> }
    expect(body.source).toBe('google-places')
    expect(body.attribution).toBe('Reviews from Google')
    expect(body.aggregate).toEqual({ source: 'google-places', rating: 4.2, count: 5 })
    expect(body.reviews.length).toBeLessThanOrEqual(5)
    expect(body.reviews[0]).toMatchObject({
      author: 'Mariana Costa',
      authorUri: 'https://www.google.com/maps/contrib/104825931067218364502/reviews',
      rating: 5,
      reportUri: expect.stringContaining('https://www.google.com/local/review/rap/report'),
    })
    expect(body.reviews.find((r) => r.author === 'Lucía Hernández')).toMatchObject({ originalText: expect.stringMatching(/^Llegué/) })

    const request = fake.requests.find((r) => r.kind === 'places')!
    expect(request.path).toBe(`/v1/places/${PLACE_ID}`)
    expect(request.query.get('key')).toBe('test-places-key')
    // Nothing was stored: no review rows, so nothing can be curated.
    expect((await temp.db.get<{ n: number }>(sql`select count(*) as n from reviews`))!.n).toBe(0)

  })

  it('calls Google once per Place for many requests, and a second API process sharing Redis reuses the answer', async () => {
    await redis.del(`${prefix}:places-answer:${PLACE_ID}`)
    const before = fake.count('places')
    const url = `${api.url}/api/public/v1/locations/mission-clinic/google-reviews`
    const first = await Promise.all(Array.from({ length: 10 }, () => fetch(url).then((r) => r.json())))
    for (let i = 0; i < 10; i++) expect((await fetch(url)).status).toBe(200)
    expect(fake.count('places') - before).toBe(1)
    expect(first[9]).toEqual(first[0])

    const second = await startApiServer({
      db: temp.db, redis, prefix, logger: silentLogger, adminApiKey: undefined, themeIds: [], now: () => new Date('2026-11-25T09:00:00Z'),
      port: 0, host: '127.0.0.1', places: { apiKey: 'test-places-key', apiRoot: fake.url },
    })
    try {
      const response = await fetch(`${second.url}/api/public/v1/locations/mission-clinic/google-reviews`)
      expect(response.status).toBe(200)
      expect(await response.json()).toEqual(first[0])
      expect(fake.count('places') - before).toBe(1)
    } finally {
      await second.close()
    }
    // The cached answer expires (an hour by default): once it is gone, Google is asked again.
    await redis.del(`${prefix}:places-answer:${PLACE_ID}`)
    expect((await fetch(url)).status).toBe(200)
    expect(fake.count('places') - before).toBe(2)
  })

  it('answers a flood from one address with 429 and Retry-After, while another address is still served', async () => {
    const limited = await startApiServer({
      db: temp.db, redis, prefix: `${prefix}-flood`, logger: silentLogger, adminApiKey: undefined, themeIds: [], now: () => new Date('2026-11-25T09:00:00Z'),
      port: 0, host: '127.0.0.1', places: { apiKey: 'test-places-key', apiRoot: fake.url },
      placesLimits: { perAddress: 5, windowSeconds: 600, cacheSeconds: 3600 },
    })
    try {
      const path = '/api/public/v1/locations/mission-clinic/google-reviews'
      const statuses: number[] = []
      for (let i = 0; i < 8; i++) statuses.push((await getFrom(limited.url, path, '127.0.0.1')).status)
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429])
      const refused = await getFrom(limited.url, path, '127.0.0.1')
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0)
      expect(JSON.parse(refused.body)).toMatchObject({ error: 'too_many_attempts', message: expect.stringContaining('too many requests for Google reviews from this address') })
      expect((await getFrom(limited.url, path, '127.0.0.2')).status).toBe(200)
    } finally {
      await limited.close()
      await removeKeys(`${prefix}-flood`)
    }
  })

  it('says which location has no Place id', async () => {
    const response = await fetch(`${api.url}/api/public/v1/locations/unknown/google-reviews`)
    expect(response.status).toBe(404)
    expect(await response.json()).toMatchObject({ message: 'location "unknown" has no Place id' })
  })
})

/** A GET sent from a chosen loopback address (127.0.0.2 is a different client to the server). */
function getFrom(base: string, path: string, localAddress: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(path, base)
    const req = request({ host: target.hostname, port: target.port, path: target.pathname, localAddress, agent: false }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}
