import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { sql } from 'drizzle-orm'
import type { Redis } from 'ioredis'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startApiServer, type RunningApi } from '../../src/api/server.ts'
import { getGoogleLocation, listConnections, loadCredentials } from '../../src/db/stores/google.ts'
import { TokenCipher } from '../../src/db/token-cipher.ts'
import { chiropracticPack } from '../../src/domain/themes/default-pack.ts'
import { scheduleLocationSync } from '../../src/jobs/google-schedules.ts'
import { JobQueue } from '../../src/jobs/queue.ts'
import { syncGoogleLocation } from '../../src/services/google-sync.ts'
import { AUTH_CODE, FakeGoogle, fixture, LOCATION, REFRESH_TOKEN } from '../support/fake-google.ts'
import { googleHarness, manualClock, type GoogleHarness } from '../support/google-harness.ts'
import { ADMIN_KEY, silentLogger } from '../support/pipeline.ts'
import { connectTestRedis, removeKeys, TEST_REDIS_URL, uniquePrefix } from '../support/redis.ts'
import { createTempDatabase, databaseEnv, type TempDatabase } from '../support/temp-db.ts'

/**
 * Issue 13, point 18: reconnecting a location whose connection needs re-authorisation, from the CLI
 * or from the settings page, replaces that connection. Afterwards /healthz is healthy, the settings
 * no longer say syncing is paused, and one connection row serves the location.
 */
const BIN = resolve(import.meta.dirname, '../../bin/plaudit.js')
const LOCATION_ID = 'google-4829164037751902613'
const NEW_REFRESH_TOKEN = '1//fake-refresh-token-after-reconnecting'
const owner = { authorization: `Basic ${Buffer.from(`owner:${ADMIN_KEY}`).toString('base64')}` }
const unescape = (html: string) => html.replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)))

describe('reconnecting a Google location that needs re-authorisation', () => {
  const prefix = uniquePrefix('google-reconnect')
  const key = randomBytes(32)
  let temp: TempDatabase
  let fake: FakeGoogle
  let redis: Redis
  let queue: JobQueue
  let api: RunningApi
  let google: GoogleHarness
  const clock = manualClock('2026-11-25T09:00:00Z')

  beforeEach(async () => {
    temp = await createTempDatabase()
    fake = await new FakeGoogle().start()
    redis = connectTestRedis()
    const testPrefix = `${prefix}:${randomBytes(4).toString('hex')}`
    queue = new JobQueue(redis, testPrefix)
    google = googleHarness({ db: temp.db, fake, redis, prefix: testPrefix, now: clock.now })
    // The API and the CLI child process share one token key, as they do in production.
    google.deps.cipher = new TokenCipher(key)
    api = await startApiServer({
      db: temp.db,
      redis,
      prefix: testPrefix,
      logger: silentLogger,
      adminApiKey: ADMIN_KEY,
      themeIds: chiropracticPack.themes.map((t) => t.id),
      now: clock.now,
      port: 0,
      host: '127.0.0.1',
      google: { connect: google.deps, redirectUri: undefined, schedule: (id) => scheduleLocationSync(queue.queue, id, { incrementalEveryMinutes: 30, fullEveryHours: 24 }) },
    })
  })
  afterEach(async () => {
    await api.close()
    await queue.queue.obliterate({ force: true })
    await queue.close()
    await redis.quit()
    await fake.stop()
    await temp.remove()
    await removeKeys(prefix)
  })

  // Asynchronous on purpose: the fake Google server answers from this very process.
  const plaudit = (args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
      const env = {
        ...process.env,
        ...databaseEnv(temp),
        REDIS_URL: TEST_REDIS_URL,
        PLAUDIT_QUEUE_PREFIX: `${prefix}:cli`,
        LOG_LEVEL: 'error',
        PLAUDIT_TOKEN_KEY: key.toString('base64'),
        GOOGLE_CLIENT_ID: 'plaudit-test.apps.googleusercontent.com',
        GOOGLE_CLIENT_SECRET: 'test-secret',
        GOOGLE_API_ROOT: fake.url,
        GOOGLE_OAUTH_TOKEN_URL: `${fake.url}/token`,
        GOOGLE_OAUTH_AUTH_URL: `${fake.url}/o/oauth2/v2/auth`,
      }
      const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
      child.on('close', (status) => done({ status, stdout, stderr }))
    })
  const healthz = async () => (await (await fetch(`${api.url}/healthz`)).json()) as { status: string; google?: { connections: number; needsReauth: unknown[] } }
  const settingsPage = async () => (await fetch(`${api.url}/app/settings`, { headers: owner })).text()
  const connectionRows = async () => (await temp.db.all<{ id: string }>(sql`select id from google_connections`)).length
  const sourceNeedsReauth = async () =>
    Boolean((await temp.db.get<{ needsReauth: unknown }>(sql`select needs_reauth as "needsReauth" from source_sync_state where location_id = ${LOCATION_ID}`))?.needsReauth)

  /** Google revokes the grant: the next 401 is answered by a refused refresh, and the location's connection pauses. */
  async function revokeAndSync(): Promise<void> {
    fake.validRefreshTokens.clear()
    fake.inject('reviews', { status: 401, body: fixture('error-401.json') })
    await expect(syncGoogleLocation(google.deps, { locationId: LOCATION_ID, full: false })).rejects.toThrow('invalid_grant')
    expect(await healthz()).toMatchObject({ status: 'degraded', google: { connections: 1, needsReauth: [expect.anything()] } })
    expect(await settingsPage()).toContain('Syncing is paused')
    expect(await sourceNeedsReauth()).toBe(true)
  }

  async function expectRepaired(refreshToken: string): Promise<void> {
    expect(await connectionRows()).toBe(1)
    const state = (await getGoogleLocation(temp.db, LOCATION_ID))!
    expect(state.connectionStatus).toBe('active')
    expect((await loadCredentials(temp.db, google.deps.cipher!, state.connectionId))?.refreshToken).toBe(refreshToken)
    expect(await healthz()).toMatchObject({ status: 'ok', google: { connections: 1, needsReauth: [] } })
    const settings = await settingsPage()
    expect(settings).not.toContain('Syncing is paused')
    expect(settings).not.toContain('needs re-authorisation')
    expect(await sourceNeedsReauth()).toBe(false)
    // …and syncing works again through the repaired connection.
    clock.advance(60_000)
    await expect(syncGoogleLocation(google.deps, { locationId: LOCATION_ID, full: false })).resolves.toMatchObject({ skipped: null })
  }

  it('plaudit google add-location again replaces the connection it repairs', async () => {
    const firstFile = join(temp.dir, 'refresh-token.txt')
    writeFileSync(firstFile, `${REFRESH_TOKEN}\n`)
    const first = await plaudit(['google', 'add-location', '--location', LOCATION, '--refresh-token-file', firstFile])
    expect(first.status, first.stderr).toBe(0)
    await expect(syncGoogleLocation(google.deps, { locationId: LOCATION_ID, full: false })).resolves.toMatchObject({ inserted: 5 })
    await revokeAndSync()

    // The owner signs in to Google again elsewhere and brings a new refresh token.
    fake.validRefreshTokens.add(NEW_REFRESH_TOKEN)
    const secondFile = join(temp.dir, 'refresh-token-2.txt')
    writeFileSync(secondFile, `${NEW_REFRESH_TOKEN}\n`)
    const again = await plaudit(['google', 'add-location', '--location', LOCATION, '--refresh-token-file', secondFile])
    expect(again.status, again.stderr).toBe(0)

    await expectRepaired(NEW_REFRESH_TOKEN)
    // Two child processes, each starting Node and loading the CLI: slow on a busy machine.
  }, 180_000)

  it('reconnecting from the settings page replaces the connection it repairs', async () => {
    const connectAndPick = async (): Promise<string> => {
      const start = await fetch(`${api.url}/app/settings/google/connect`, { redirect: 'manual', headers: owner })
      const state = new URL(start.headers.get('location')!).searchParams.get('state')!
      const back = await fetch(`${api.url}/app/settings/google/callback?code=${encodeURIComponent(AUTH_CODE)}&state=${state}`, { headers: owner })
      expect(back.status).toBe(200)
      const html = await back.text()
      const field = (name: string) => unescape(new RegExp(`name="${name}" value="([^"]*)"`).exec(html)![1]!)
      // What the browser submits: the boxes as the page ticked them.
      const ticked = [...html.matchAll(/name="location" value="([^"]*)" checked/g)].map((m) => unescape(m[1]!))
      const form = new URLSearchParams({ form: field('form'), connection: field('connection') })
      for (const location of ticked) form.append('location', location)
      const picked = await fetch(`${api.url}/app/settings/google/locations`, { method: 'POST', body: form, redirect: 'manual', headers: owner })
      expect(picked.status).toBe(303)
      return html
    }

    await connectAndPick()
    await expect(syncGoogleLocation(google.deps, { locationId: LOCATION_ID, full: false })).resolves.toMatchObject({ inserted: 5 })
    const before = (await getGoogleLocation(temp.db, LOCATION_ID))!
    await revokeAndSync()
    expect((await listConnections(temp.db)).map((c) => c.status)).toEqual(['needs_reauth'])

    // The owner follows "Reconnect Google": the paused location is offered ticked, and submitting repairs it.
    fake.validRefreshTokens.add(REFRESH_TOKEN)
    expect(await settingsPage()).toContain('href="/app/settings/google/connect">Reconnect Google')
    const pickPage = await connectAndPick()
    expect(pickPage).toContain('synced already: picking it again reconnects it')

    await expectRepaired(REFRESH_TOKEN)
    const after = (await getGoogleLocation(temp.db, LOCATION_ID))!
    expect(after.connectionId).not.toBe(before.connectionId)
    expect(after).toMatchObject({ placeId: before.placeId, googleName: LOCATION, lastSyncAt: expect.any(Date) })
  })
})
