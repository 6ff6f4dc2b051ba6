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

    await fetch(`${api.url}/api/public/v1/locations/mission-clinic/google-reviews`)
    expect(fake.count('places')).toBe(2)
  })

  it('says which location has no Place id', async () => {
    const response = await fetch(`${api.url}/api/public/v1/locations/unknown/google-reviews`)
    expect(response.status).toBe(404)
    expect(await response.json()).toMatchObject({ message: 'location "unknown" has no Place id' })
  })
})
