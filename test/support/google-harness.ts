import { randomBytes } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { Db } from '../../src/db/database.ts'
import { TokenCipher } from '../../src/db/token-cipher.ts'
import { addLocationWithRefreshToken, createCallEnvironment, type GoogleConnectDependencies } from '../../src/services/google-connect.ts'
import type { GoogleSyncDependencies } from '../../src/services/google-sync.ts'
import type { GoogleEndpoints } from '../../src/sources/google/client.ts'
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'
import { FakeGoogle, LOCATION, REFRESH_TOKEN } from './fake-google.ts'
import { connectTestRedis, removeKeys } from './redis.ts'
import { createTempDatabase, type TempDatabase } from './temp-db.ts'

/** A clock the test moves by hand. */
export function manualClock(start: string): { now: () => Date; set: (iso: string) => void; advance: (ms: number) => void } {
  let at = new Date(start).getTime()
  return { now: () => new Date(at), set: (iso) => void (at = new Date(iso).getTime()), advance: (ms) => void (at += ms) }
}

export function endpointsFor(fake: FakeGoogle): GoogleEndpoints {
  return { clientId: 'plaudit-test.apps.googleusercontent.com', clientSecret: 'test-secret', apiRoot: fake.url, tokenUrl: `${fake.url}/token`, authUrl: `${fake.url}/o/oauth2/v2/auth` }
}

export interface GoogleHarness {
  deps: GoogleSyncDependencies & GoogleConnectDependencies
  /** Every wait the sync asked for, in milliseconds: nothing actually sleeps. */
  sleeps: number[]
  announced: string[]
  analysisBatches: string[][]
  cipher: TokenCipher
  addLocation: (params?: { googleName?: string; refreshToken?: string; locationId?: string }) => Promise<string>
}

/** The production sync wired to the fake server, the real Redis rate gate, and a recording sleep. */
export function googleHarness(params: { db: Db; fake: FakeGoogle; redis: Redis; prefix: string; now: () => Date; perMinute?: number; random?: () => number; maxAttempts?: number }): GoogleHarness {
  const sleeps: number[] = []
  const announced: string[] = []
  const analysisBatches: string[][] = []
  const cipher = new TokenCipher(randomBytes(32))
  const call = createCallEnvironment({
    redis: params.redis,
    prefix: params.prefix,
    perMinute: params.perMinute ?? 300,
    now: params.now,
    sleep: async (ms) => void sleeps.push(ms),
    random: params.random ?? (() => 0.5),
    maxAttempts: params.maxAttempts ?? 6,
  })
  const deps = {
    db: params.db,
    endpoints: endpointsFor(params.fake),
    cipher,
    call,
    enqueueAnalysis: async (_locationId: string, ids: string[]) => void analysisBatches.push(ids),
    announceFeed: async (slug: string) => void announced.push(slug),
  }
  return {
    deps,
    sleeps,
    announced,
    analysisBatches,
    cipher,
    addLocation: async (p = {}) =>
      (await addLocationWithRefreshToken(deps, { googleName: p.googleName ?? LOCATION, refreshToken: p.refreshToken ?? REFRESH_TOKEN, ...(p.locationId && { locationId: p.locationId }) })).locationId,
  }
}

export interface FakeGoogleSuite {
  redis: Redis
  temp: TempDatabase
  fake: FakeGoogle
  google: GoogleHarness
  locationId: string
  clock: ReturnType<typeof manualClock>
}

/**
 * For a describe block: each test gets a fresh database (SQLite file or PostgreSQL schema), a fresh
 * fake Google server and one connected location, with the clock set back to `start`; the Redis keys
 * go when the block ends.
 */
export function useFakeGoogle(prefix: string, start: string): FakeGoogleSuite {
  const suite = { clock: manualClock(start) } as FakeGoogleSuite
  beforeAll(() => {
    suite.redis = connectTestRedis()
  })
  afterAll(async () => {
    await suite.redis.quit()
    await removeKeys(prefix)
  })
  beforeEach(async () => {
    suite.temp = await createTempDatabase()
    suite.fake = await new FakeGoogle().start()
    suite.clock.set(start)
    suite.google = googleHarness({ db: suite.temp.db, fake: suite.fake, redis: suite.redis, prefix: `${prefix}:${randomBytes(4).toString('hex')}`, now: suite.clock.now })
    suite.locationId = await suite.google.addLocation()
  })
  afterEach(async () => {
    await suite.fake.stop()
    await suite.temp.remove()
  })
  return suite
}
