import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer, type RunningApi } from '../../src/api/server.ts'
import type { LoginLimits } from '../../src/api/login-limiter.ts'
import { enableTotp, newTotpSecret, totpCode } from '../../src/services/accounts.ts'
import { asSession, PASSWORD, seedUser, signIn } from '../support/accounts.ts'
import { ADMIN_KEY, silentLogger } from '../support/pipeline.ts'
import { connectTestRedis, removeKeys, uniquePrefix } from '../support/redis.ts'
import { createTempDatabase, type TempDatabase } from '../support/temp-db.ts'

/** Issue 13, points 6-8: guessing in parallel, replaying a one-time code, keys outliving their person. */
const NOW = new Date('2026-11-20T12:00:00Z')
const STEP_MS = 30_000
const BURST = 40
const prefix = uniquePrefix('account-attacks')

interface Api {
  url: string
  attempt: (email: string, password: string, totp?: string) => Promise<Response>
}

const statusCounts = (responses: Response[]) => {
  const counts: Record<number, number> = {}
  for (const r of responses) counts[r.status] = (counts[r.status] ?? 0) + 1
  return counts
}

/** Six-digit codes that are none of the codes valid at NOW (one step of drift either way). */
function wrongCodes(secret: string, count: number): string[] {
  const valid = new Set([-1, 0, 1].map((step) => totpCode(secret, new Date(NOW.getTime() + step * STEP_MS))))
  const codes: string[] = []
  for (let n = 0; codes.length < count; n++) {
    const code = String(n * 7919).padStart(6, '0').slice(-6)
    if (!valid.has(code)) codes.push(code)
  }
  return codes
}

describe('attacks on accounts and keys', () => {
  let temp: TempDatabase
  const redis = connectTestRedis()
  const servers: RunningApi[] = []

  /** An API server with these login limits; servers started with the same name share their limiter keys. */
  async function startApi(name: string, loginLimits: LoginLimits): Promise<Api> {
    const api = await startApiServer({ db: temp.db, redis, prefix: `${prefix}-${name}`, logger: silentLogger, adminApiKey: ADMIN_KEY, themeIds: ['posture'], now: () => NOW, port: 0, host: '127.0.0.1', loginLimits })
    servers.push(api)
    return {
      url: api.url,
      attempt: (email, password, totp) =>
        fetch(`${api.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password, ...(totp && { totp }) }) }),
    }
  }

  /** An owner with TOTP turned on, confirmed with the code of NOW's step. */
  async function ownerWithTotp(email: string): Promise<string> {
    const id = await seedUser(temp.db, email, 'owner', NOW)
    const { secret } = newTotpSecret(email)
    await enableTotp(temp.db, id, secret, totpCode(secret, NOW), NOW)
    return secret
  }

  beforeAll(async () => {
    temp = await createTempDatabase()
  })
  afterAll(async () => {
    for (const api of servers) await api.close()
    await redis.quit()
    await temp.remove()
    await removeKeys(prefix)
  })

  describe('the login limiter counts parallel guesses (point 6)', () => {
    const limits = { perAccount: 5, perAddress: 1000, windowSeconds: 900 }

    it(`lets exactly perAccount of ${BURST} parallel wrong passwords be checked and refuses the rest with 429`, async () => {
      const api = await startApi('burst', limits)
      await seedUser(temp.db, 'guessed@clinic.test', 'marketing', NOW)
      await seedUser(temp.db, 'bystander@clinic.test', 'marketing', NOW)
      const responses = await Promise.all(Array.from({ length: BURST }, (_, i) => api.attempt('guessed@clinic.test', `wrong password ${i}`)))
      expect(statusCounts(responses)).toEqual({ 401: limits.perAccount, 429: BURST - limits.perAccount })
      const refused = responses.find((r) => r.status === 429)!
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
      // Locked even for the right password; an account nobody guessed at still signs in.
      expect((await api.attempt('guessed@clinic.test', PASSWORD)).status).toBe(429)
      expect((await api.attempt('bystander@clinic.test', PASSWORD)).status).toBe(201)
    })

    it(`lets exactly perAccount of ${BURST} parallel wrong one-time codes (with the right password) be checked`, async () => {
      const api = await startApi('totp-burst', limits)
      const secret = await ownerWithTotp('totp-burst@clinic.test')
      const responses = await Promise.all(wrongCodes(secret, BURST).map((code) => api.attempt('totp-burst@clinic.test', PASSWORD, code)))
      expect(statusCounts(responses)).toEqual({ 401: limits.perAccount, 429: BURST - limits.perAccount })
      // Even the authenticator's valid next code is refused now: the account is locked.
      expect((await api.attempt('totp-burst@clinic.test', PASSWORD, totpCode(secret, new Date(NOW.getTime() + STEP_MS)))).status).toBe(429)
    })

    it('shares the count between two API servers on one Redis', async () => {
      const [one, two] = [await startApi('shared', limits), await startApi('shared', limits)]
      await seedUser(temp.db, 'shared@clinic.test', 'marketing', NOW)
      const responses = await Promise.all(Array.from({ length: BURST }, (_, i) => (i % 2 === 0 ? one : two).attempt('shared@clinic.test', `wrong password ${i}`)))
      expect(statusCounts(responses)).toEqual({ 401: limits.perAccount, 429: BURST - limits.perAccount })
    })

    it('counts parallel guesses across accounts against the address', async () => {
      const api = await startApi('address', { perAccount: 1000, perAddress: 5, windowSeconds: 900 })
      const emails = ['spread-1@clinic.test', 'spread-2@clinic.test', 'spread-3@clinic.test', 'spread-4@clinic.test']
      for (const email of emails) await seedUser(temp.db, email, 'marketing', NOW)
      const responses = await Promise.all(Array.from({ length: BURST }, (_, i) => api.attempt(emails[i % emails.length]!, `wrong password ${i}`)))
      expect(statusCounts(responses)).toEqual({ 401: 5, 429: BURST - 5 })
      expect((await responses.find((r) => r.status === 429)!.json()).message).toContain('address')
    })

    it('gives a successful sign-in its attempt back, so a person is never locked out by signing in', async () => {
      const api = await startApi('successes', limits)
      await seedUser(temp.db, 'regular@clinic.test', 'marketing', NOW)
      for (let i = 0; i < limits.perAccount * 2; i++) expect((await api.attempt('regular@clinic.test', PASSWORD)).status).toBe(201)
      expect((await api.attempt('regular@clinic.test', 'wrong password')).status).toBe(401)
    })
  })

  describe('a one-time code opens one session (point 7)', () => {
    const limits = { perAccount: 20, perAddress: 1000, windowSeconds: 900 }

    it('refuses a code that was already accepted, an earlier one, and the code that confirmed the secret', async () => {
      const api = await startApi('replay', limits)
      const secret = await ownerWithTotp('replayed@clinic.test')
      const next = totpCode(secret, new Date(NOW.getTime() + STEP_MS))
      const confirming = await api.attempt('replayed@clinic.test', PASSWORD, totpCode(secret, NOW))
      expect(confirming.status).toBe(401)
      expect((await confirming.json()).message).toContain('used already')
      expect((await api.attempt('replayed@clinic.test', PASSWORD, next)).status).toBe(201)
      const replay = await api.attempt('replayed@clinic.test', PASSWORD, next)
      expect(replay.status).toBe(401)
      expect((await replay.json()).message).toContain('used already')
      expect(replay.headers.getSetCookie()).toEqual([])
      expect((await api.attempt('replayed@clinic.test', PASSWORD, totpCode(secret, new Date(NOW.getTime() - STEP_MS)))).status).toBe(401)
    })

    it('lets only one of several parallel sign-ins with the same code through', async () => {
      const api = await startApi('replay-burst', limits)
      const secret = await ownerWithTotp('raced@clinic.test')
      const code = totpCode(secret, new Date(NOW.getTime() + STEP_MS))
      const responses = await Promise.all(Array.from({ length: 6 }, () => api.attempt('raced@clinic.test', PASSWORD, code)))
      expect(statusCounts(responses)).toEqual({ 201: 1, 401: 5 })
    })
  })

  describe('removing a person (point 8)', () => {
    it("revokes the keys they made (and the keys those keys made) and ends their sessions, in the audit log", async () => {
      const api = await startApi('removal', { perAccount: 20, perAddress: 1000, windowSeconds: 900 })
      await seedUser(temp.db, 'stays@clinic.test', 'owner', NOW)
      const leaverId = await seedUser(temp.db, 'leaves@clinic.test', 'owner', NOW)
      const stays = await signIn(api.url, 'stays@clinic.test')
      const leaves = await signIn(api.url, 'leaves@clinic.test')
      const newKey = async (init: RequestInit, name: string) => {
        const response = await fetch(`${api.url}/api/v1/api-keys`, { ...init, method: 'POST', body: JSON.stringify({ name, scope: 'owner' }) })
        expect(response.status).toBe(201)
        return (await response.json()) as { key: string; apiKey: { id: string } }
      }
      const bearer = (key: string): RequestInit => ({ headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` } })
      const leaversKey = await newKey(asSession(leaves, 'POST'), 'leaver-automation')
      const keyMadeByKey = await newKey(bearer(leaversKey.key), 'made-by-a-key')
      const staysKey = await newKey(asSession(stays, 'POST'), 'stays-automation')
      for (const key of [leaversKey, keyMadeByKey, staysKey]) expect((await fetch(`${api.url}/api/v1/users`, bearer(key.key))).status).toBe(200)

      expect((await fetch(`${api.url}/api/v1/users/${leaverId}`, asSession(stays, 'DELETE'))).status).toBe(200)

      expect((await fetch(`${api.url}/api/v1/users`, bearer(leaversKey.key))).status).toBe(401)
      expect((await fetch(`${api.url}/api/v1/users`, bearer(keyMadeByKey.key))).status).toBe(401)
      expect((await fetch(`${api.url}/api/v1/session`, asSession(leaves, 'GET'))).status).toBe(401)
      expect((await fetch(`${api.url}/api/v1/users`, bearer(staysKey.key))).status).toBe(200)
      expect((await fetch(`${api.url}/api/v1/session`, asSession(stays, 'GET'))).status).toBe(200)

      const { apiKeys } = (await (await fetch(`${api.url}/api/v1/api-keys`, asSession(stays, 'GET'))).json()) as { apiKeys: Array<{ id: string; revokedAt: string | null }> }
      const revoked = (id: string) => apiKeys.find((k) => k.id === id)?.revokedAt
      expect([revoked(leaversKey.apiKey.id), revoked(keyMadeByKey.apiKey.id), revoked(staysKey.apiKey.id)]).toEqual([NOW.toISOString(), NOW.toISOString(), null])

      const { entries } = (await (await fetch(`${api.url}/api/v1/audit`, asSession(stays, 'GET'))).json()) as {
        entries: Array<{ action: string; subject: string; actor: string; after: { sessionsEnded?: number; apiKeysRevoked?: string[]; reason?: string } | null }>
      }
      const removal = entries.find((e) => e.action === 'user.remove' && e.subject === leaverId)!
      expect(removal.actor).toBe('user:stays@clinic.test')
      expect(removal.after).toEqual({ sessionsEnded: 1, apiKeysRevoked: expect.arrayContaining([leaversKey.apiKey.id, keyMadeByKey.apiKey.id]) })
      expect(removal.after?.apiKeysRevoked).toHaveLength(2)
      const keyRevocations = entries.filter((e) => e.action === 'api-key.revoke').map((e) => [e.subject, e.after?.reason])
      expect(keyRevocations.sort()).toEqual(
        [
          [leaversKey.apiKey.id, 'leaves@clinic.test was removed'],
          [keyMadeByKey.apiKey.id, 'leaves@clinic.test was removed'],
        ].sort(),
      )
    })
  })
})
