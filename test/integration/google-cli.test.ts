import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { Queue } from 'bullmq'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeDatabase, openDatabase } from '../../src/db/database.ts'
import { QUEUE_NAME } from '../../src/jobs/contracts.ts'
import { AUTH_CODE, FakeGoogle, LOCATION, REFRESH_TOKEN } from '../support/fake-google.ts'
import { connectTestRedis, removeKeys, TEST_REDIS_URL, uniquePrefix } from '../support/redis.ts'
import { freshDatabase } from '../support/temp-db.ts'

const BIN = resolve(import.meta.dirname, '../../bin/plaudit.js')
const prefix = uniquePrefix('google-cli')
const dir = mkdtempSync(join(tmpdir(), 'plaudit-google-cli-'))
const KEY = randomBytes(32).toString('base64')
// Each created by the first command that opens it.
const databases = { main: freshDatabase(), keys: freshDatabase(), connect: freshDatabase(), connectBad: freshDatabase() }

describe('plaudit google', () => {
  let fake: FakeGoogle
  let env: Record<string, string>
  // Asynchronous on purpose: the fake Google server answers from this very process.
  const plaudit = (args: string[], extra: Record<string, string> = {}) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
      child.on('close', (status) => resolve({ status, stdout, stderr }))
    })

  beforeAll(async () => {
    fake = await new FakeGoogle().start()
    env = {
      DATABASE_URL: databases.main.url,
      REDIS_URL: TEST_REDIS_URL,
      PLAUDIT_QUEUE_PREFIX: prefix,
      LOG_LEVEL: 'error',
      PLAUDIT_TOKEN_KEY: KEY,
      GOOGLE_CLIENT_ID: 'plaudit-test.apps.googleusercontent.com',
      GOOGLE_CLIENT_SECRET: 'test-secret',
      GOOGLE_API_ROOT: fake.url,
      GOOGLE_OAUTH_TOKEN_URL: `${fake.url}/token`,
      GOOGLE_OAUTH_AUTH_URL: `${fake.url}/o/oauth2/v2/auth`,
    }
  })
  afterAll(async () => {
    await fake.stop()
    await removeKeys(prefix)
    rmSync(dir, { recursive: true, force: true })
    for (const database of Object.values(databases)) await database.remove()
  })

  it('adds a location from a refresh-token file, stores the token encrypted, schedules its syncs and syncs it now', async () => {
    const tokenFile = join(dir, 'refresh-token.txt')
    writeFileSync(tokenFile, `${REFRESH_TOKEN}\n`)
    const run = await plaudit(['google', 'add-location', '--location', LOCATION, '--refresh-token-file', tokenFile])
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout).toContain('added google-4829164037751902613')

    const db = openDatabase(databases.main.url)
    const stored = await db.all<{ token: string }>(sql`select refresh_token_enc as token from google_connections`)
    await closeDatabase(db)
    expect(stored).toHaveLength(1)
    expect(stored[0]!.token).not.toContain(REFRESH_TOKEN)
    expect(stored[0]!.token).toMatch(/^v1\./)

    const queue = new Queue(QUEUE_NAME, { connection: connectTestRedis(), prefix })
    const schedulers = await queue.getJobSchedulers()
    await queue.close()
    expect(schedulers.map((s) => ({ key: s.key, every: s.every, name: s.name })).sort((a, b) => a.key.localeCompare(b.key))).toEqual([
      { key: 'sync-location:google-4829164037751902613:full', every: 24 * 3_600_000, name: 'sync-location' },
      { key: 'sync-location:google-4829164037751902613:incremental', every: 30 * 60_000, name: 'sync-location' },
    ])

    // …and syncs it now, incrementally and in full, printing what it did.
    const first = await plaudit(['google', 'sync', '--location', 'google-4829164037751902613'])
    expect(first.status, first.stderr).toBe(0)
    expect(JSON.parse(first.stdout)).toMatchObject({ full: false, pages: 1, inserted: 5 })
    const full = await plaudit(['google', 'sync', '--location', LOCATION, '--full'])
    expect(full.status, full.stderr).toBe(0)
    expect(JSON.parse(full.stdout)).toMatchObject({ full: true, pages: 1, inserted: 0, unchanged: 5, removed: 0 })
  })

  it('refuses to start with a wrong or missing token key, saying so', async () => {
    const tokenFile = join(dir, 'refresh-token-2.txt')
    writeFileSync(tokenFile, REFRESH_TOKEN)
    const db = { DATABASE_URL: databases.keys.url }
    expect((await plaudit(['google', 'add-location', '--location', LOCATION, '--refresh-token-file', tokenFile], db)).status).toBe(0)
    const wrong = await plaudit(['google', 'sync', '--location', LOCATION], { ...db, PLAUDIT_TOKEN_KEY: randomBytes(32).toString('base64') })
    expect(wrong.status).toBe(1)
    expect(wrong.stderr).toContain('PLAUDIT_TOKEN_KEY does not decrypt the stored Google tokens')
    const missing = await plaudit(['worker'], { ...db, PLAUDIT_TOKEN_KEY: '' })
    expect(missing.status).toBe(1)
    expect(missing.stderr).toContain('PLAUDIT_TOKEN_KEY is not set, but the database holds encrypted Google refresh tokens')
    const malformed = await plaudit(['serve'], { ...db, PLAUDIT_TOKEN_KEY: 'short' })
    expect(malformed.status).toBe(1)
    expect(malformed.stderr).toContain('PLAUDIT_TOKEN_KEY must be 32 bytes')
  })

  it('connects an account through the loopback OAuth flow and adds the picked location', async () => {
    const child = spawn(process.execPath, [BIN, 'google', 'connect'], { env: { ...process.env, ...env, DATABASE_URL: databases.connect.url }, stdio: ['pipe', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const output: string[] = []
    const waiters: Array<{ test: (line: string) => boolean; resolve: (line: string) => void }> = []
    createInterface({ input: child.stdout }).on('line', (line) => {
      output.push(line)
      for (const w of waiters.splice(0)) (w.test(line) ? w.resolve(line) : waiters.push(w))
    })
    const lineMatching = (test: (line: string) => boolean) => new Promise<string>((resolve) => {
      const seen = output.find(test)
      if (seen) resolve(seen)
      else waiters.push({ test, resolve })
    })
    const closed = new Promise<number | null>((r) => child.on('close', (c) => r(c)))

    const consent = new URL(await lineMatching((l) => l.startsWith(fake.url)))
    expect(consent.pathname).toBe('/o/oauth2/v2/auth')
    expect(consent.searchParams.get('access_type')).toBe('offline')
    expect(consent.searchParams.get('scope')).toBe('https://www.googleapis.com/auth/business.manage')
    expect(consent.searchParams.get('response_type')).toBe('code')
    const state = consent.searchParams.get('state')!
    const redirect = consent.searchParams.get('redirect_uri')!
    expect(redirect).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/)
    await lineMatching((l) => l.startsWith('Waiting for Google'))

    // What Google does after consent: send the browser back with the code and the same state.
    const back = await fetch(`${redirect}?code=${encodeURIComponent(AUTH_CODE)}&state=${encodeURIComponent(state)}`)
    expect(back.status).toBe(200)
    expect(await lineMatching((l) => l.includes('Alem Chiropractic'))).toBe(`  1. Alem Chiropractic  ${LOCATION}`)
    child.stdin.write('1\n')
    expect(await closed, stderr).toBe(0)
    expect(output.join('\n')).toContain(`added google-4829164037751902613 (${LOCATION})`)
  })

  it('refuses a callback whose state it did not hand out', async () => {
    const child = spawn(process.execPath, [BIN, 'google', 'connect'], { env: { ...process.env, ...env, DATABASE_URL: databases.connectBad.url }, stdio: ['pipe', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const redirect = await new Promise<string>((resolve) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        const m = /^Waiting for Google on (\S+)/.exec(line)
        if (m) resolve(m[1]!)
      })
    })
    const tokensBefore = fake.count('token')
    await fetch(`${redirect}?code=${encodeURIComponent(AUTH_CODE)}&state=st_forged`)
    expect(await new Promise<number | null>((r) => child.on('close', (c) => r(c)))).toBe(1)
    expect(stderr).toContain('state does not match')
    expect(fake.count('token')).toBe(tokensBefore)
  })
})
