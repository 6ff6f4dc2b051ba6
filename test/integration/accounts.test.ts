import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer, type RunningApi } from '../../src/api/server.ts'
import { hashApiKey, totpCode } from '../../src/services/accounts.ts'
import { storedApiKeyHash } from '../../src/db/stores/accounts.ts'
import { reviewIdFor } from '../../src/db/ids.ts'
import { asSession, PASSWORD, seedUser, signIn } from '../support/accounts.ts'
import { writeReviewsCsv } from '../support/csv.ts'
import { ADMIN_KEY, silentLogger, startPipeline, type Pipeline } from '../support/pipeline.ts'
import { connectTestRedis, removeKeys, uniquePrefix } from '../support/redis.ts'
import { createTempDatabase, type TempDatabase } from '../support/temp-db.ts'

const NOW = new Date('2026-11-20T12:00:00Z')
const prefix = uniquePrefix('accounts')

describe('accounts, sessions, roles and API keys', () => {
  let temp: TempDatabase
  let pipeline: Pipeline
  let base: string
  const reviewId = reviewIdFor('clinic', 'import', 'a1')

  beforeAll(async () => {
    temp = await createTempDatabase()
    pipeline = await startPipeline(temp.db, prefix, () => NOW)
    base = pipeline.api.url
    await pipeline.importAndAnalyze(writeReviewsCsv(temp.dir, 'a.csv', [{ id: 'a1', rating: 5, text: 'I never felt rushed. Dr. Daniel took his time.', createdAt: '2025-01-01T10:00:00Z' }]), 'clinic')
    await seedUser(temp.db, 'owner@clinic.test', 'owner', NOW)
    await seedUser(temp.db, 'mia@clinic.test', 'marketing', NOW)
  })
  afterAll(async () => {
    await pipeline.close()
    await temp.remove()
    await removeKeys(prefix)
  })

  it('signs in with a session cookie that is HttpOnly and SameSite=Lax, stored server-side only as a hash', async () => {
    const session = await signIn(base, 'mia@clinic.test')
    expect(session.setCookie).toMatch(/^plaudit_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=43200$/)
    const token = session.cookie.split('=')[1]!
    const rows = await temp.db.all<{ token_hash: string }>(sql`select token_hash from sessions`)
    expect(rows.some((r) => r.token_hash === token)).toBe(false)
    expect(rows.length).toBeGreaterThan(0)
  })

  it('adds Secure to the cookie when configured for TLS', async () => {
    const redis = connectTestRedis()
    const api = await startApiServer({ db: temp.db, redis, prefix: `${prefix}-tls`, logger: silentLogger, adminApiKey: ADMIN_KEY, themeIds: ['posture'], now: () => NOW, port: 0, host: '127.0.0.1', secureCookies: true })
    try {
      expect((await signIn(api.url, 'mia@clinic.test')).setCookie).toMatch(/; HttpOnly; SameSite=Lax; Max-Age=43200; Secure$/)
    } finally {
      await api.close()
      await redis.quit()
      await removeKeys(`${prefix}-tls`)
    }
  })

  it('says the same thing for an unknown e-mail and a wrong password', async () => {
    const unknown = await fetch(`${base}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'nobody@clinic.test', password: 'whatever-it-is' }) })
    const wrong = await fetch(`${base}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'owner@clinic.test', password: 'not the password' }) })
    expect([unknown.status, wrong.status]).toEqual([401, 401])
    expect((await unknown.json()).message).toBe((await wrong.json()).message)
  })

  it('refuses a state-changing request from a session without its CSRF token, and accepts it with the token', async () => {
    const session = await signIn(base, 'mia@clinic.test')
    const body = { reviewId, start: 0, end: 20 }
    const without = await fetch(`${base}/api/v1/testimonials`, asSession(session, 'POST', body, { csrf: false }))
    expect(without.status).toBe(403)
    expect((await without.json()).error).toBe('csrf')
    const forged = await fetch(`${base}/api/v1/testimonials`, { ...asSession(session, 'POST', body), headers: { 'content-type': 'application/json', cookie: session.cookie, 'x-csrf-token': 'guessed' } })
    expect(forged.status).toBe(403)
    const withToken = await fetch(`${base}/api/v1/testimonials`, asSession(session, 'POST', body))
    expect(withToken.status).toBe(201)
  })

  it('refuses a sign-in posted from another site', async () => {
    const response = await fetch(`${base}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://evil.example' }, body: JSON.stringify({ email: 'mia@clinic.test', password: PASSWORD }) })
    expect(response.status).toBe(403)
    expect(response.headers.getSetCookie()).toEqual([])
  })

  it('signs out: the cookie is cleared and the session no longer works', async () => {
    const session = await signIn(base, 'mia@clinic.test')
    const out = await fetch(`${base}/api/v1/session`, asSession(session, 'DELETE'))
    expect(out.status).toBe(200)
    expect(out.headers.getSetCookie()[0]).toMatch(/^plaudit_session=; .*Max-Age=0/)
    expect((await fetch(`${base}/api/v1/session`, asSession(session, 'GET'))).status).toBe(401)
  })

  it('keeps marketing out of users, API keys and the audit log', async () => {
    const session = await signIn(base, 'mia@clinic.test')
    for (const [method, path, body] of [
      ['GET', '/api/v1/users', undefined],
      ['POST', '/api/v1/users', { email: 'x@clinic.test', role: 'owner', password: 'a long enough password' }],
      ['GET', '/api/v1/api-keys', undefined],
      ['POST', '/api/v1/api-keys', { name: 'zapier', scope: 'owner' }],
      ['GET', '/api/v1/audit', undefined],
    ] as const) {
      const response = await fetch(`${base}${path}`, asSession(session, method, body))
      expect(response.status, `${method} ${path}`).toBe(403)
    }
    const page = await fetch(`${base}/app/users`, { headers: { cookie: session.cookie }, redirect: 'manual' })
    expect(page.status).toBe(403)
  })

  it('lets an owner invite and remove a user, and logs both', async () => {
    const owner = await signIn(base, 'owner@clinic.test')
    const invited = await fetch(`${base}/api/v1/users`, asSession(owner, 'POST', { email: 'New.Person@clinic.test', role: 'marketing', password: 'a long enough password' }))
    expect(invited.status).toBe(201)
    const { user } = (await invited.json()) as { user: { id: string; email: string } }
    expect(user.email).toBe('new.person@clinic.test')
    const stored = (await temp.db.get<{ password_hash: string }>(sql`select password_hash from users where id = ${user.id}`))!
    expect(stored.password_hash).toMatch(/^scrypt\$131072\$8\$1\$/)
    expect(stored.password_hash).not.toContain('a long enough password')
    const theirSession = await signIn(base, 'new.person@clinic.test', 'a long enough password')
    expect((await fetch(`${base}/api/v1/session`, asSession(theirSession, 'GET'))).status).toBe(200)
    expect((await fetch(`${base}/api/v1/users/${user.id}`, asSession(owner, 'DELETE'))).status).toBe(200)
    // Sessions are server-side: removing the person ends theirs at once.
    expect((await fetch(`${base}/api/v1/session`, asSession(theirSession, 'GET'))).status).toBe(401)
    const audit = (await (await fetch(`${base}/api/v1/audit`, asSession(owner, 'GET'))).json()) as { entries: Array<{ action: string; subject: string; actor: string }> }
    expect(audit.entries.filter((e) => e.subject === user.id).map((e) => e.action).sort()).toEqual(['session.login', 'user.add', 'user.remove'])
    expect(audit.entries.find((e) => e.action === 'user.add')?.actor).toBe('user:owner@clinic.test')
  })

  it('shows an API key once, stores only its hash, honours its scope, and stops it when revoked', async () => {
    const owner = await signIn(base, 'owner@clinic.test')
    const created = (await (await fetch(`${base}/api/v1/api-keys`, asSession(owner, 'POST', { name: 'site-builder', scope: 'marketing' }))).json()) as { key: string; apiKey: { id: string } }
    expect(created.key).toMatch(/^plk_/)
    expect(await storedApiKeyHash(temp.db, created.apiKey.id)).toBe(hashApiKey(created.key))
    expect(JSON.stringify(await temp.db.all(sql`select * from api_keys`))).not.toContain(created.key)
    const listed = await (await fetch(`${base}/api/v1/api-keys`, asSession(owner, 'GET'))).text()
    expect(listed).not.toContain(created.key)

    const asKey = (method: string, path: string, body?: unknown) =>
      fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${created.key}` }, body: body === undefined ? undefined : JSON.stringify(body) })
    expect((await asKey('POST', '/api/v1/testimonials', { reviewId, start: 0, end: 20 })).status).toBe(201)
    expect((await asKey('GET', '/api/v1/users')).status).toBe(403)

    expect((await fetch(`${base}/api/v1/api-keys/${created.apiKey.id}/revoke`, asSession(owner, 'POST'))).status).toBe(200)
    expect((await asKey('POST', '/api/v1/testimonials', { reviewId, start: 0, end: 20 })).status).toBe(401)
  })

  it('still accepts the config admin key as an owner (bootstrap and automation)', async () => {
    const response = await fetch(`${base}/api/v1/users`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })
    expect(response.status).toBe(200)
  })

  it('asks an owner with TOTP turned on for a valid one-time code', async () => {
    await seedUser(temp.db, 'second@clinic.test', 'owner', NOW)
    const owner = await signIn(base, 'second@clinic.test')
    const { secret } = (await (await fetch(`${base}/api/v1/users/me/totp`, asSession(owner, 'POST'))).json()) as { secret: string }
    expect((await fetch(`${base}/api/v1/users/me/totp/confirm`, asSession(owner, 'POST', { secret, code: totpCode(secret, NOW) }))).status).toBe(200)
    await expect(signIn(base, 'second@clinic.test')).rejects.toThrow('answered 401')
    await expect(signIn(base, 'second@clinic.test', PASSWORD, '000000')).rejects.toThrow('answered 401')
    // The code that confirmed the secret is spent; the authenticator's next one opens the session.
    await expect(signIn(base, 'second@clinic.test', PASSWORD, totpCode(secret, new Date(NOW.getTime() + 30_000)))).resolves.toMatchObject({ csrf: expect.any(String) })
  })
})

describe('login rate limits', () => {
  const limitPrefix = uniquePrefix('login-limits')
  let temp: TempDatabase
  let api: RunningApi
  const redis = connectTestRedis()
  const attempt = (email: string, password: string) =>
    fetch(`${api.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) })

  beforeAll(async () => {
    temp = await createTempDatabase()
    for (const email of ['a@clinic.test', 'b@clinic.test', 'c@clinic.test', 'd@clinic.test']) await seedUser(temp.db, email, 'marketing', NOW)
    api = await startApiServer({ db: temp.db, redis, prefix: limitPrefix, logger: silentLogger, adminApiKey: ADMIN_KEY, themeIds: ['posture'], now: () => NOW, port: 0, host: '127.0.0.1', loginLimits: { perAccount: 3, perAddress: 5, windowSeconds: 900 } })
  })
  afterAll(async () => {
    await api.close()
    await redis.quit()
    await temp.remove()
    await removeKeys(limitPrefix)
  })

  it('locks an account after repeated wrong passwords, even for the right password, and says when to retry', async () => {
    for (let i = 0; i < 3; i++) expect((await attempt('a@clinic.test', 'wrong password')).status).toBe(401)
    const locked = await attempt('a@clinic.test', PASSWORD)
    expect(locked.status).toBe(429)
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await attempt('b@clinic.test', PASSWORD)).status).toBe(201)
  })

  it('stops one address guessing across many accounts', async () => {
    // a@ already cost this address 3 failures; two more on other accounts reach the address limit of 5.
    expect((await attempt('c@clinic.test', 'wrong password')).status).toBe(401)
    expect((await attempt('d@clinic.test', 'wrong password')).status).toBe(401)
    const blocked = await attempt('d@clinic.test', PASSWORD)
    expect(blocked.status).toBe(429)
    expect((await blocked.json()).message).toContain('address')
  })
})
