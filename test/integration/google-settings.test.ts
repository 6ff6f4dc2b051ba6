import type { Job, Worker } from 'bullmq'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer, type RunningApi } from '../../src/api/server.ts'
import { PAGE_CSP } from '../../src/api/routes/home.ts'
import { getGoogleLocation, markNeedsReauth } from '../../src/db/stores/google.ts'
import { listJobFailures } from '../../src/db/stores/job-failures.ts'
import { scheduleLocationSync } from '../../src/jobs/google-schedules.ts'
import { JobQueue } from '../../src/jobs/queue.ts'
import { chiropracticPack } from '../../src/domain/themes/default-pack.ts'
import { createAnalyzer } from '../../src/services/analyze-reviews.ts'
import { runWorker } from '../../src/workers/run.ts'
import { AUTH_CODE, FakeGoogle, fixture, LOCATION } from '../support/fake-google.ts'
import { googleHarness, manualClock, type GoogleHarness } from '../support/google-harness.ts'
import { ADMIN_KEY, silentLogger } from '../support/pipeline.ts'
import { seedUser, signIn } from '../support/accounts.ts'
import { connectTestRedis, removeKeys, uniquePrefix } from '../support/redis.ts'
import { createTempDatabase, type TempDatabase } from '../support/temp-db.ts'

const prefix = uniquePrefix('google-settings')
const owner = { authorization: `Basic ${Buffer.from(`owner:${ADMIN_KEY}`).toString('base64')}` }
const unescape = (html: string) => html.replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)))

describe('connecting Google from the settings page, and the sync job in the worker', () => {
  let temp: TempDatabase
  let fake: FakeGoogle
  let redis: Redis
  let queue: JobQueue
  let api: RunningApi
  let google: GoogleHarness
  let worker: Worker
  const clock = manualClock('2026-11-25T09:00:00Z')

  beforeAll(async () => {
    temp = await createTempDatabase()
    fake = await new FakeGoogle().start()
    redis = connectTestRedis()
    queue = new JobQueue(redis, prefix)
    google = googleHarness({ db: temp.db, fake, redis, prefix, now: clock.now })
    api = await startApiServer({
      db: temp.db,
      redis,
      prefix,
      logger: silentLogger,
      adminApiKey: ADMIN_KEY,
      themeIds: chiropracticPack.themes.map((t) => t.id),
      now: clock.now,
      port: 0,
      host: '127.0.0.1',
      google: { connect: google.deps, redirectUri: undefined, schedule: (id) => scheduleLocationSync(queue.queue, id, { incrementalEveryMinutes: 30, fullEveryHours: 24 }) },
    })
    worker = await runWorker({
      db: temp.db,
      redis,
      prefix,
      analyzer: createAnalyzer(chiropracticPack),
      concurrency: 1,
      logger: silentLogger,
      now: clock.now,
      google: { endpoints: google.deps.endpoints, cipher: google.cipher, requestsPerMinute: 300, sleep: async () => {}, random: () => 0.5 },
    })
  })
  afterAll(async () => {
    await api.close()
    await worker.close()
    await queue.queue.obliterate({ force: true })
    await queue.close()
    await redis.quit()
    await fake.stop()
    await temp.remove()
    await removeKeys(prefix)
  })

  it('asks for the admin key before showing the settings', async () => {
    const anonymous = await fetch(`${api.url}/app/settings`)
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get('www-authenticate')).toContain('Basic')
    expect((await fetch(`${api.url}/app/settings/google/connect`, { redirect: 'manual' })).status).toBe(401)
    const wrong = `Basic ${Buffer.from('owner:not-the-key-at-all').toString('base64')}`
    expect((await fetch(`${api.url}/app/settings`, { headers: { authorization: wrong } })).status).toBe(401)
    expect((await fetch(`${api.url}/app/settings`, { headers: owner })).status).toBe(200)
  })

  it('opens the settings to a signed-in owner, never to marketing, and refuses a form posted from another site', async () => {
    await seedUser(temp.db, 'owner@clinic.test', 'owner', clock.now())
    await seedUser(temp.db, 'mia@clinic.test', 'marketing', clock.now())
    const ownerSession = await signIn(api.url, 'owner@clinic.test')
    const marketingSession = await signIn(api.url, 'mia@clinic.test')

    expect((await fetch(`${api.url}/app/settings`, { headers: { cookie: ownerSession.cookie } })).status).toBe(200)
    expect((await fetch(`${api.url}/app/settings`, { headers: { cookie: marketingSession.cookie } })).status).toBe(403)
    const forged = await fetch(`${api.url}/app/settings/google/locations`, {
      method: 'POST',
      headers: { cookie: ownerSession.cookie, origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'location=x',
    })
    expect(forged.status).toBe(403)
  })

  it('sends the owner to Google for business.manage with offline access and a state, then lets them pick locations', async () => {
    const start = await fetch(`${api.url}/app/settings/google/connect`, { redirect: 'manual', headers: owner })
    expect(start.status).toBe(302)
    const consent = new URL(start.headers.get('location')!)
    expect(consent.origin + consent.pathname).toBe(`${fake.url}/o/oauth2/v2/auth`)
    expect(Object.fromEntries(consent.searchParams)).toMatchObject({
      access_type: 'offline',
      response_type: 'code',
      scope: 'https://www.googleapis.com/auth/business.manage',
      redirect_uri: `${api.url}/app/settings/google/callback`,
    })
    const state = consent.searchParams.get('state')!

    const forged = await fetch(`${api.url}/app/settings/google/callback?code=${AUTH_CODE}&state=st_not_ours`, { headers: owner })
    expect(forged.status).toBe(400)
    expect(await forged.text()).toContain('state does not match')

    const back = await fetch(`${api.url}/app/settings/google/callback?code=${encodeURIComponent(AUTH_CODE)}&state=${state}`, { headers: owner })
    expect(back.status).toBe(200)
    expect(back.headers.get('content-security-policy')).toBe(PAGE_CSP)
    const html = await back.text()
    expect(html).toContain('Alem Chiropractic')
    expect(fake.count('accounts')).toBe(1)
    expect(fake.count('locations')).toBe(2)

    // The same state cannot be used twice.
    expect((await fetch(`${api.url}/app/settings/google/callback?code=${AUTH_CODE}&state=${state}`, { headers: owner })).status).toBe(400)

    const field = (name: string) => unescape(new RegExp(`name="${name}" value="([^"]*)"`).exec(html)![1]!)
    const form = new URLSearchParams({ form: field('form'), connection: field('connection'), location: field('location') })
    const picked = await fetch(`${api.url}/app/settings/google/locations`, { method: 'POST', body: form, redirect: 'manual', headers: owner })
    expect(picked.status).toBe(303)
    expect(await getGoogleLocation(temp.db, 'google-4829164037751902613')).toMatchObject({ googleName: LOCATION, placeId: 'ChIJm7Xq4Qh-j4ARsA1emCh1r0w', connectionStatus: 'active' })
    expect((await queue.queue.getJobSchedulers()).map((s) => s.key).sort()).toEqual([
      'sync-location:google-4829164037751902613:full',
      'sync-location:google-4829164037751902613:incremental',
    ])
    const settings = await (await fetch(`${api.url}/app/settings`, { headers: owner })).text()
    expect(settings).toContain(LOCATION)
    expect(settings).not.toContain('connect again')

    // A replayed form is refused.
    expect((await fetch(`${api.url}/app/settings/google/locations`, { method: 'POST', body: form, redirect: 'manual', headers: owner })).status).toBe(400)
  })

  it('runs sync-location jobs in the worker and fails a 403 at once, recording Google’s message', async () => {
    const locationId = await google.addLocation({ locationId: 'worker-clinic' })
    // Scheduled jobs of other locations run in this worker too: wait for this job's own events.
    const settled = (event: 'completed' | 'failed', jobId: Promise<string>) =>
      new Promise<[{ id: string; attemptsMade: number; returnvalue: unknown }, Error]>((resolve) => {
        const listener = async (job: Job | undefined, error: unknown) => {
          if (!job || job.id !== (await jobId)) return
          worker.off(event, listener as never)
          resolve([{ id: job.id, attemptsMade: job.attemptsMade, returnvalue: job.returnvalue }, error as Error])
        }
        worker.on(event, listener as never)
      })
    const id = queue.add('sync-location', { locationId, full: true })
    const [job] = await settled('completed', id)
    expect(job.returnvalue).toMatchObject({ locationId, full: true, pages: 1 })

    fake.inject('reviews', { status: 403, body: fixture('error-403-permission.json') })
    const [failedJob, error] = await settled('failed', queue.add('sync-location', { locationId, full: false }, { attempts: 3 }))
    expect(error.name).toBe('UnrecoverableError')
    expect(failedJob.attemptsMade).toBe(1)
    expect((await listJobFailures(temp.db)).map((f) => f.reason)).toContainEqual(expect.stringContaining('PERMISSION_DENIED: The caller does not have permission'))
  })

  it('shows a connection that needs re-authorisation on /healthz and to the owner', async () => {
    const locationId = await google.addLocation({ locationId: 'revoked-clinic', googleName: 'accounts/108543210987654321098/locations/77' })
    const healthy = (await (await fetch(`${api.url}/healthz`)).json()) as Record<string, unknown>
    expect(healthy).toMatchObject({ status: 'ok', google: { needsReauth: [] } })

    const connection = { id: (await getGoogleLocation(temp.db, locationId))!.connectionId }
    await markNeedsReauth(temp.db, connection.id, 'invalid_grant: Token has been expired or revoked.', clock.now())
    const response = await fetch(`${api.url}/healthz`)
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({
      status: 'degraded',
      checks: { database: true, redis: true },
      google: { needsReauth: [{ id: connection.id, error: 'invalid_grant: Token has been expired or revoked.' }] },
      message: expect.stringContaining('needs re-authorisation'),
    })
    const settings = await (await fetch(`${api.url}/app/settings`, { headers: owner })).text()
    expect(settings).toContain('Google needs you to connect again')
    expect(settings).toContain('invalid_grant: Token has been expired or revoked.')
    expect(settings).toContain('needs re-authorisation')
  })
})
