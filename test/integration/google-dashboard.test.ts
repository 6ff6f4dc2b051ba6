import { sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { reviewIdFor } from '../../src/db/ids.ts'
import { ReviewStore } from '../../src/db/stores/reviews.ts'
import { unrepliedReviews } from '../../src/db/stores/dashboard.ts'
import { rebuildDashboardRollups } from '../../src/services/rollups.ts'
import { syncGoogleLocation } from '../../src/services/google-sync.ts'
import { fixture } from '../support/fake-google.ts'
import { useFakeGoogle } from '../support/google-harness.ts'
import { uniquePrefix } from '../support/redis.ts'

const DEREK = 'AbFvOqkD4sV9nT1wX6cB2mL8pQ5rY0uH3eJ7zK4aFt'
const MARIANA = 'AbFvOqnQ7xL2mK9pR4tW8yZ1cE5hJ3sU6vB0nD2fGq'

describe('what a Google sync leaves for the owner dashboard', () => {
  const suite = useFakeGoogle(uniquePrefix('google-dashboard'), '2026-11-25T09:00:00Z')
  const idOf = (externalId: string) => reviewIdFor(suite.locationId, 'google-business-profile', externalId)
  const sync = (full = false) => syncGoogleLocation(suite.google.deps, { locationId: suite.locationId, full })
  // needs_reauth is 0/1 on SQLite and a boolean on PostgreSQL: read as a boolean.
  const sourceHealth = async () => {
    const row = (await suite.temp.db.get<{ lastSuccessAt: string | null; needsReauth: unknown; lastError: string | null }>(
      sql`select last_success_at as "lastSuccessAt", needs_reauth as "needsReauth", last_error as "lastError" from source_sync_state where source = 'google-business-profile'`,
    ))!
    return { ...row, needsReauth: Boolean(row.needsReauth) }
  }

  it('keeps the rollups equal to a rebuild when a full sync removes a review', async () => {
    await sync(true)
    suite.fake.remove(DEREK)
    suite.clock.advance(24 * 3_600_000)
    await sync(true)
    expect((await new ReviewStore(suite.temp.db).get(idOf(DEREK)))?.status).toBe('removed')
    expect((await rebuildDashboardRollups(suite.temp.db)).rowsThatDiffered).toBe(0)
  })

  it("records the owner's reply time and the source's last successful sync", async () => {
    await sync()
    const replied = (await suite.temp.db.get<{ replyTime: string | null }>(sql`select reply_time as "replyTime" from reviews where id = ${idOf(MARIANA)}`))!
    expect(replied.replyTime).toBe('2026-10-03T15:12:44.508Z')
    expect(await sourceHealth()).toEqual({ lastSuccessAt: '2026-11-25T09:00:00.000Z', needsReauth: false, lastError: null })
  })

  it('counts only reviews that can be answered as waiting for a reply, never imported ones', async () => {
    await sync()
    const before = await unrepliedReviews(suite.temp.db, suite.locationId, 50)
    expect(before.total).toBeGreaterThan(0)
    await new ReviewStore(suite.temp.db).upsertBatch(suite.locationId, [{ source: 'import', externalId: 'csv-1', author: 'Pat D.', rating: 5, text: 'Imported from the old site.', createdAt: new Date('2026-11-01T10:00:00Z'), url: null }], suite.clock.now())
    expect((await unrepliedReviews(suite.temp.db, suite.locationId, 50)).total).toBe(before.total)
  })

  it('shows a connection that needs re-authorisation in the source health', async () => {
    suite.fake.inject('token', { status: 400, body: fixture('oauth-invalid-grant.json') }, 1)
    await expect(sync()).rejects.toThrow('invalid_grant')
    expect(await sourceHealth()).toMatchObject({ needsReauth: true, lastError: expect.stringContaining('invalid_grant') })
  })
})
