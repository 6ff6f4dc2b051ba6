import type { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { reviewIdFor } from '../../src/db/ids.ts'
import { ReviewStore } from '../../src/db/stores/reviews.ts'
import { rebuildDashboardRollups } from '../../src/services/rollups.ts'
import { syncGoogleLocation } from '../../src/services/google-sync.ts'
import { FakeGoogle, fixture } from '../support/fake-google.ts'
import { googleHarness, manualClock, type GoogleHarness } from '../support/google-harness.ts'
import { connectTestRedis, removeKeys, uniquePrefix } from '../support/redis.ts'
import { createTempDatabase, type TempDatabase } from '../support/temp-db.ts'

const DEREK = 'AbFvOqkD4sV9nT1wX6cB2mL8pQ5rY0uH3eJ7zK4aFt'
const MARIANA = 'AbFvOqnQ7xL2mK9pR4tW8yZ1cE5hJ3sU6vB0nD2fGq'
const idOf = (externalId: string) => reviewIdFor('google-business-profile', externalId)

describe('what a Google sync leaves for the owner dashboard', () => {
  const prefix = uniquePrefix('google-dashboard')
  let redis: Redis
  let temp: TempDatabase
  let fake: FakeGoogle
  let google: GoogleHarness
  let locationId: string
  const clock = manualClock('2026-11-25T09:00:00Z')
  const sync = (full = false) => syncGoogleLocation(google.deps, { locationId, full })
  const sourceHealth = () =>
    temp.db.$client.prepare("select last_success_at as lastSuccessAt, needs_reauth as needsReauth, last_error as lastError from source_sync_state where source = 'google-business-profile'").get()

  beforeAll(() => {
    redis = connectTestRedis()
  })
  afterAll(async () => {
    await redis.quit()
    await removeKeys(prefix)
  })
  beforeEach(async () => {
    temp = createTempDatabase()
    fake = await new FakeGoogle().start()
    clock.set('2026-11-25T09:00:00Z')
    google = googleHarness({ db: temp.db, fake, redis, prefix: `${prefix}:${Math.random().toString(36).slice(2)}`, now: clock.now })
    locationId = google.addLocation()
  })
  afterEach(async () => {
    await fake.stop()
    temp.remove()
  })

  it('keeps the rollups equal to a rebuild when a full sync removes a review', async () => {
    await sync(true)
    fake.remove(DEREK)
    clock.advance(24 * 3_600_000)
    await sync(true)
    expect(new ReviewStore(temp.db).get(idOf(DEREK))?.status).toBe('removed')
    expect(rebuildDashboardRollups(temp.db).rowsThatDiffered).toBe(0)
  })

  it("records the owner's reply time and the source's last successful sync", async () => {
    await sync()
    const replied = temp.db.$client.prepare('select reply_time as replyTime from reviews where id = ?').get(idOf(MARIANA)) as { replyTime: string | null }
    expect(replied.replyTime).toBe('2026-10-03T15:12:44.508Z')
    expect(sourceHealth()).toEqual({ lastSuccessAt: '2026-11-25T09:00:00.000Z', needsReauth: 0, lastError: null })
  })

  it('shows a connection that needs re-authorisation in the source health', async () => {
    fake.inject('token', { status: 400, body: fixture('oauth-invalid-grant.json') }, 1)
    await expect(sync()).rejects.toThrow('invalid_grant')
    expect(sourceHealth()).toMatchObject({ needsReauth: 1, lastError: expect.stringContaining('invalid_grant') })
  })
})
