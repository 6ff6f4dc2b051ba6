import { randomBytes } from 'node:crypto'
import { sql } from 'drizzle-orm'
import pg from 'pg'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { redisLoginLimiter } from '../../src/api/login-limiter.ts'
import { closeDatabase, openDatabase, type Db } from '../../src/db/database.ts'
import { reviewIdFor } from '../../src/db/ids.ts'
import { enableTotp, login, newTotpSecret, removeUser, totpCode } from '../../src/services/accounts.ts'
import { recordAuthorization, revokeAuthorization } from '../../src/services/authorizations.ts'
import { createTestimonialFromReview } from '../../src/services/curation.ts'
import { RuleViolationError } from '../../src/services/errors.ts'
import { importReviews } from '../../src/services/import-reviews.ts'
import { PASSWORD, seedUser } from '../support/accounts.ts'
import { writeReviewsCsv } from '../support/csv.ts'
import { connectTestRedis, removeKeys, uniquePrefix } from '../support/redis.ts'
import { createTempDatabase, onPostgres, type TempDatabase } from '../support/temp-db.ts'

/**
 * Issue 13, point 9 (and point 7 across processes): two API processes acting at the same moment,
 * played by two connection pools of their own against one PostgreSQL. A third connection holds the
 * contested rows locked until both have reached the database and wait there, so the two really meet
 * (without it, one would usually finish before the other started, and the test could not fail).
 */
const NOW = new Date('2026-11-20T12:00:00Z')
const prefix = uniquePrefix('account-races')

describe.runIf(onPostgres)('two processes changing accounts at the same moment (PostgreSQL)', () => {
  let temp: TempDatabase
  let first: Db
  let second: Db
  let application: string

  beforeEach(async () => {
    temp = await createTempDatabase()
    // The two pools name themselves, so the test can see when both are waiting on a lock.
    application = `plaudit-race-${randomBytes(4).toString('hex')}`
    const url = `${temp.url}&application_name=${application}`
    first = openDatabase(url)
    second = openDatabase(url)
  })
  afterEach(async () => {
    await closeDatabase(first)
    await closeDatabase(second)
    await temp.remove()
  })

  /** Locks the rows `query` selects (it ends in `for update`) on a connection of its own; resolves to the release. */
  async function holdLocked(query: string, values: unknown[] = []): Promise<() => Promise<void>> {
    const client = new pg.Client({ connectionString: temp.url })
    await client.connect()
    await client.query('begin')
    await client.query(query, values)
    return async () => {
      await client.query('commit')
      await client.end()
    }
  }

  async function waitingOnLocks(): Promise<number> {
    const result = await temp.db.get<{ n: string }>(sql`select count(*) as n from pg_stat_activity where application_name = ${application} and wait_event_type = 'Lock'`)
    return Number(result?.n ?? 0)
  }

  /** Starts both, waits until both wait on the held rows, lets them go, and resolves to how each ended. */
  async function race<T>(held: () => Promise<void>, work: [() => Promise<T>, () => Promise<T>]): Promise<PromiseSettledResult<T>[]> {
    const results = Promise.allSettled(work.map((run) => run()))
    try {
      await expect.poll(waitingOnLocks, { timeout: 15_000, interval: 20 }).toBe(2)
    } finally {
      await held()
    }
    return results
  }

  const ownerCount = async () => Number((await temp.db.get<{ n: string }>(sql`select count(*) as n from users where role = 'owner'`))?.n)

  it('lets exactly one of two owners removed at once go, so one owner remains', async () => {
    const a = await seedUser(temp.db, 'a@clinic.test', 'owner', NOW)
    const b = await seedUser(temp.db, 'b@clinic.test', 'owner', NOW)
    const held = await holdLocked(`select id from users where role = 'owner' for update`)
    const results = await race(held, [() => removeUser(first, a, 'user:b@clinic.test', NOW), () => removeUser(second, b, 'user:a@clinic.test', NOW)])
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected'])
    const refusal = results.find((r) => r.status === 'rejected')!.reason as Error
    expect(refusal).toBeInstanceOf(RuleViolationError)
    expect(refusal.message).toBe('the last owner cannot be removed')
    expect(await ownerCount()).toBe(1)
    const removals = await temp.db.all(sql`select subject from audit_log where action = 'user.remove'`)
    expect(removals).toHaveLength(1)
  })

  it('lets two of three owners be removed at once, one after the other', async () => {
    const a = await seedUser(temp.db, 'a@clinic.test', 'owner', NOW)
    const b = await seedUser(temp.db, 'b@clinic.test', 'owner', NOW)
    await seedUser(temp.db, 'c@clinic.test', 'owner', NOW)
    const held = await holdLocked(`select id from users where role = 'owner' for update`)
    const results = await race(held, [() => removeUser(first, a, 'user:c@clinic.test', NOW), () => removeUser(second, b, 'user:c@clinic.test', NOW)])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled'])
    expect(await ownerCount()).toBe(1)
  })

  it('revokes one authorization revoked twice at once exactly once, with one audit entry', async () => {
    const csv = writeReviewsCsv(temp.dir, 'r.csv', [{ id: 'r1', author: 'Myra Kowalski', rating: 5, text: 'I never felt rushed. Dr. Daniel took his time with my neck.' }])
    await importReviews(temp.db, { file: csv, locationId: 'clinic', enqueueAnalysis: async () => undefined, analyzeBatchSize: 100, now: () => NOW })
    const testimonial = await createTestimonialFromReview(temp.db, { reviewId: reviewIdFor('clinic', 'import', 'r1'), start: 0, end: 20, publish: true }, 'test', NOW)
    const signed = { testimonialId: testimonial.id, signedBy: 'Myra Kowalski', signedAt: NOW, scope: 'website', reference: 'form-1', expiresAt: null }
    const { authorization } = await recordAuthorization(temp.db, signed, 'test', NOW)
    const held = await holdLocked(`select id from patient_authorizations where id = $1 for update`, [authorization.id])
    const results = await race(held, [() => revokeAuthorization(first, authorization.id, 'user:first', NOW), () => revokeAuthorization(second, authorization.id, 'user:second', NOW)])
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected'])
    expect((results.find((r) => r.status === 'rejected')!.reason as Error).message).toBe(`authorization ${authorization.id} was already revoked`)
    expect(await temp.db.all(sql`select actor from audit_log where action = 'authorization.revoke'`)).toHaveLength(1)

    // The good path is untouched: another authorization is revoked at once, alone.
    const { authorization: other } = await recordAuthorization(temp.db, { ...signed, reference: 'form-2' }, 'test', NOW)
    await expect(revokeAuthorization(second, other.id, 'user:second', NOW)).resolves.toMatchObject({ authorization: { id: other.id, revokedAt: NOW } })
  })

  it('opens one session for one TOTP code sent to two processes at once', async () => {
    const id = await seedUser(temp.db, 'totp@clinic.test', 'owner', NOW)
    const { secret } = newTotpSecret('totp@clinic.test')
    await enableTotp(temp.db, id, secret, totpCode(secret, NOW), NOW)
    const redis = connectTestRedis()
    try {
      const limiter = redisLoginLimiter(redis, prefix)
      const code = totpCode(secret, new Date(NOW.getTime() + 30_000))
      const signIn = (db: Db) => () => login(db, limiter, { email: 'totp@clinic.test', password: PASSWORD, totp: code, address: '127.0.0.1' }, NOW)
      const held = await holdLocked(`select id from users where id = $1 for update`, [id])
      const results = await race(held, [signIn(first), signIn(second)])
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected'])
      expect((results.find((r) => r.status === 'rejected')!.reason as Error).message).toContain('used already')
      expect(await temp.db.all(sql`select token_hash from sessions`)).toHaveLength(1)
    } finally {
      await redis.quit()
      await removeKeys(prefix)
    }
  })
})
