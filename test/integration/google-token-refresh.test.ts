import { sql } from 'drizzle-orm'
import { beforeEach, describe, expect, it } from 'vitest'
import { getGoogleLocation, listConnections, loadCredentials } from '../../src/db/stores/google.ts'
import { isFinalSyncError, syncGoogleLocation } from '../../src/services/google-sync.ts'
import { fixture } from '../support/fake-google.ts'
import { useFakeGoogle } from '../support/google-harness.ts'
import { uniquePrefix } from '../support/redis.ts'

/**
 * Issue 13, point 17: Google may reject an access token before the expiry it announced. One 401 is
 * answered by one refresh and one retry; only a refresh Google refuses (invalid_grant) pauses the
 * connection; a 401 that survives a fresh token is not answered by more refreshes.
 */
describe('a 401 from Google against a still-valid access token', () => {
  const suite = useFakeGoogle(uniquePrefix('google-token-refresh'), '2026-11-25T09:00:00Z')
  const sync = () => syncGoogleLocation(suite.google.deps, { locationId: suite.locationId, full: false })
  /** The kinds of the requests the fake Google saw since `from`, in order. */
  const requestsSince = (from: number) => suite.fake.requests.slice(from).map((r) => r.kind)
  const storedToken = async () => (await loadCredentials(suite.temp.db, suite.google.cipher, (await getGoogleLocation(suite.temp.db, suite.locationId))!.connectionId))!
  const sourceNeedsReauth = async () =>
    Boolean((await suite.temp.db.get<{ needsReauth: unknown }>(sql`select needs_reauth as "needsReauth" from source_sync_state where location_id = ${suite.locationId}`))?.needsReauth)

  beforeEach(async () => {
    // The first sync obtains an access token and stores it; Google announced it valid for an hour.
    await sync()
    const stored = await storedToken()
    expect(stored.accessToken).not.toBeNull()
    expect(stored.accessTokenExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 30 * 60_000)
    suite.clock.advance(60_000)
  })

  it('refreshes the token once, retries, and keeps the connection active', async () => {
    const before = suite.fake.requests.length
    const oldToken = (await storedToken()).accessToken
    suite.fake.edit('AbFvOqnQ7xL2mK9pR4tW8yZ1cE5hJ3sU6vB0nD2fGq', { comment: 'Still the best care in the city.', updateTime: '2026-11-25T09:00:30Z' })
    suite.fake.inject('reviews', { status: 401, body: fixture('error-401.json') })

    const report = await sync()

    expect(report).toMatchObject({ pages: 1, revised: 1, skipped: null })
    expect(requestsSince(before)).toEqual(['reviews', 'token', 'reviews'])
    const [rejected, , retried] = suite.fake.requests.slice(before)
    expect(rejected!.authorization).toBe(`Bearer ${oldToken}`)
    const newToken = (await storedToken()).accessToken
    expect(newToken).not.toBe(oldToken)
    expect(retried!.authorization).toBe(`Bearer ${newToken}`)
    expect((await listConnections(suite.temp.db))[0]).toMatchObject({ status: 'active', lastError: null })
    expect(await getGoogleLocation(suite.temp.db, suite.locationId)).toMatchObject({ connectionStatus: 'active', lastError: null })
    expect(await sourceNeedsReauth()).toBe(false)
  })

  it('asks the owner to connect again when the refresh after the 401 answers invalid_grant, and then makes no requests', async () => {
    const before = suite.fake.requests.length
    suite.fake.validRefreshTokens.clear()
    suite.fake.inject('reviews', { status: 401, body: fixture('error-401.json') })

    const error = await sync().catch((e: Error) => e)

    expect((error as Error).name).toBe('GoogleReauthRequiredError')
    expect((error as Error).message).toContain('invalid_grant')
    expect(requestsSince(before)).toEqual(['reviews', 'token'])
    expect((await listConnections(suite.temp.db))[0]).toMatchObject({ status: 'needs_reauth', lastError: expect.stringContaining('invalid_grant') })
    expect(await sourceNeedsReauth()).toBe(true)
    const paused = suite.fake.requests.length
    expect(await sync()).toMatchObject({ skipped: 'needs_reauth', pages: 0 })
    expect(suite.fake.requests.length).toBe(paused)
  })

  it('answers a 401 storm with at most one refresh per 401, fails the run for good, and recovers when Google does', async () => {
    const before = suite.fake.requests.length
    suite.fake.inject('reviews', { status: 401, body: fixture('error-401.json') }, 4)

    for (let run = 0; run < 2; run++) {
      const from = suite.fake.requests.length
      const error = await sync().catch((e: Error) => e)
      expect((error as Error).message).toMatch(/refused a freshly refreshed access token/)
      // Final: the worker fails the job at once instead of retrying it into the storm.
      expect(isFinalSyncError(error)).toBe(true)
      expect(requestsSince(from)).toEqual(['reviews', 'token', 'reviews'])
    }
    expect(requestsSince(before).filter((k) => k === 'token')).toHaveLength(2)
    expect(suite.google.sleeps).toEqual([])
    expect((await listConnections(suite.temp.db))[0]).toMatchObject({ status: 'active' })
    expect((await getGoogleLocation(suite.temp.db, suite.locationId))?.lastError).toMatch(/refused a freshly refreshed access token/)
    expect(await sourceNeedsReauth()).toBe(false)

    // The storm is over: the token refreshed last is accepted, without another refresh.
    const from = suite.fake.requests.length
    await expect(sync()).resolves.toMatchObject({ skipped: null })
    expect(requestsSince(from)).toEqual(['reviews'])
    expect((await getGoogleLocation(suite.temp.db, suite.locationId))?.lastError).toBeNull()
  })
})
