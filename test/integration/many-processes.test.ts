import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { QueueEvents } from 'bullmq'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { writeSyntheticCsv } from '../../bench/synthetic.ts'
import { rebuildRollups, snapshotRollups } from '../../src/db/stores/rollups.ts'
import { feedChannel, QUEUE_NAME } from '../../src/jobs/contracts.ts'
import { JobQueue } from '../../src/jobs/queue.ts'
import { connectTestRedis, removeKeys, TEST_REDIS_URL, uniquePrefix } from '../support/redis.ts'
import { createTempDatabase, databaseEnv, onPostgres, type TempDatabase } from '../support/temp-db.ts'

/**
 * Issue 9, point 2: three worker processes and two API processes on one PostgreSQL and one Redis.
 * The figures it prints (reviews/s, duplicates) are the ones quoted in docs/scaling.md.
 */
const REVIEWS = 100_000
const WORKERS = 3
const APIS = 2
const LOCATION = 'scale-clinic'
const ADMIN_KEY = 'many-processes-admin-key-0123456789'
const BIN = resolve(import.meta.dirname, '../../bin/plaudit.js')
const prefix = uniquePrefix('many')

describe.runIf(onPostgres)(`${WORKERS} workers and ${APIS} API processes on one PostgreSQL and one Redis`, () => {
  let temp: TempDatabase
  const redis = connectTestRedis()
  const queue = new JobQueue(redis, prefix)
  const subscriber = redis.duplicate()
  let events: QueueEvents
  const children: ChildProcess[] = []
  const apiUrls: string[] = []
  const announcements: string[] = []
  const analyzeResults = new Map<string, { analyzed: number; skipped: number }>()
  let completedTwice = 0

  const env = () => ({
    ...process.env,
    ...databaseEnv(temp),
    REDIS_URL: TEST_REDIS_URL,
    PLAUDIT_QUEUE_PREFIX: prefix,
    PLAUDIT_DATABASE_POOL: '4',
    PLAUDIT_ADMIN_API_KEY: ADMIN_KEY,
    LOG_LEVEL: 'info',
  })

  /** Output nobody reads is ignored: a full pipe would stop the process that writes to it. */
  const start = (args: string[], extraEnv: Record<string, string> = {}, stdio: Array<'ignore' | 'pipe'> = ['ignore', 'ignore', 'ignore']) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...env(), ...extraEnv }, stdio })
    children.push(child)
    return child
  }

  /** Resolves with the first line matching `pattern`; fails if the process exits first. */
  const lineOf = (child: ChildProcess, stream: 'stdout' | 'stderr', pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolveLine, rejectLine) => {
      const lines = createInterface({ input: child[stream]! })
      lines.on('line', (line) => {
        const match = pattern.exec(line)
        if (match) resolveLine(match)
      })
      child.once('exit', (code) => rejectLine(new Error(`${child.spawnargs.slice(2).join(' ')} exited with ${code} before printing ${pattern}`)))
    })

  beforeAll(async () => {
    temp = await createTempDatabase()
    events = new QueueEvents(QUEUE_NAME, { connection: { url: TEST_REDIS_URL }, prefix })
    await events.waitUntilReady()
    events.on('completed', ({ jobId, returnvalue }) => {
      const result = returnvalue as unknown as { analyzed?: number; skipped?: number }
      if (typeof result?.analyzed !== 'number') return
      if (analyzeResults.has(jobId)) completedTwice++
      analyzeResults.set(jobId, { analyzed: result.analyzed, skipped: result.skipped ?? 0 })
    })
    await subscriber.subscribe(feedChannel(prefix))
    subscriber.on('message', (_channel: string, slug: string) => announcements.push(slug))

    const workers = Array.from({ length: WORKERS }, () => start(['worker'], {}, ['ignore', 'ignore', 'pipe']))
    await Promise.all(workers.map((w) => lineOf(w, 'stderr', /"msg":"worker ready"/)))
    const apis = Array.from({ length: APIS }, () => start(['serve'], { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' }, ['ignore', 'pipe', 'ignore']))
    for (const api of apis) apiUrls.push((await lineOf(api, 'stdout', /^listening on (http:\/\/\S+)$/))[1]!)
  }, 120_000)

  afterAll(async () => {
    await Promise.all(
      children.map(async (child) => {
        if (child.exitCode !== null) return
        child.kill('SIGTERM')
        await once(child, 'exit')
      }),
    )
    await subscriber.quit()
    await events.close()
    await queue.queue.obliterate({ force: true })
    await queue.close()
    await redis.quit()
    await temp.remove()
    await removeKeys(prefix)
  })

  it(`imports ${REVIEWS.toLocaleString('en')} reviews: each tagged exactly once, no duplicate mentions, rollups equal a rebuild`, async () => {
    const file = join(temp.dir, 'synthetic.csv')
    await writeSyntheticCsv(file, { count: REVIEWS, seed: 9 })
    const started = performance.now()
    const importer = start(['import', file, '--location', LOCATION], { LOG_LEVEL: 'warn' })
    const [exitCode] = (await once(importer, 'exit')) as [number]
    expect(exitCode).toBe(0)
    const imported = performance.now()

    await vi.waitFor(
      async () => {
        const left = await temp.db.get<{ n: number }>(sql`select count(*) as n from reviews where analyzed_hash is null`)
        expect(left!.n, 'reviews not yet tagged').toBe(0)
        // Delayed jobs are left out: the workers keep the expire-authorizations scheduler's next run there.
        const counts = await queue.queue.getJobCounts('waiting', 'active', 'prioritized')
        expect(counts, 'jobs not yet done').toEqual({ waiting: 0, active: 0, prioritized: 0 })
      },
      { timeout: 600_000, interval: 250 },
    )
    const tagged = performance.now()

    const counts = await temp.db.get<{ reviews: number; mentions: number; duplicates: number }>(sql`
      select (select count(*) from reviews) as reviews,
             (select count(*) from mentions) as mentions,
             (select count(*) from (select review_id, theme, start from mentions group by review_id, theme, start having count(*) > 1) d) as duplicates`)
    const savedByJobs = [...analyzeResults.values()].reduce((sum, r) => sum + r.analyzed, 0)
    const figures = {
      reviews: counts!.reviews,
      importOnlyReviewsPerSec: Math.round(REVIEWS / ((imported - started) / 1000)),
      importToTaggedReviewsPerSec: Math.round(REVIEWS / ((tagged - started) / 1000)),
      analyzeJobs: analyzeResults.size,
      reviewsSavedByJobs: savedByJobs,
      jobsCompletedTwice: completedTwice,
      mentions: counts!.mentions,
      duplicateMentions: counts!.duplicates,
    }
    console.log(`many-process run (${WORKERS} workers, ${APIS} APIs, PostgreSQL): ${JSON.stringify(figures)}`)

    expect(counts!.reviews).toBe(REVIEWS)
    // Every review's analysis was saved by exactly one job: the saves add up to the reviews, and no job ran to completion twice.
    expect(savedByJobs).toBe(REVIEWS)
    expect(completedTwice).toBe(0)
    expect(counts!.duplicates).toBe(0)
    expect(counts!.mentions).toBeGreaterThan(REVIEWS / 2)

    const incremental = await snapshotRollups(temp.db)
    await rebuildRollups(temp.db)
    const rebuilt = await snapshotRollups(temp.db)
    expect(rebuilt.reviews.length).toBeGreaterThan(0)
    expect(incremental).toEqual(rebuilt)
  }, 900_000)

  it('serves the same feed bytes and ETag from both API processes; one change is rebuilt and announced once', async () => {
    const admin = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }
    const review = await temp.db.get<{ id: string; length: number }>(
      sql`select id, length(text) as length from reviews where location_id = ${LOCATION} and rating = 5 order by id limit 1`,
    )
    const created = await fetch(`${apiUrls[0]}/api/v1/testimonials`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ reviewId: review!.id, start: 0, end: review!.length, publish: true }),
    })
    expect(created.status, await created.clone().text()).toBe(201)
    const { testimonial } = (await created.json()) as { testimonial: { id: string } }

    const feedOf = async (base: string) => {
      const response = await fetch(`${base}/api/public/v1/collections/scale-home`)
      return { status: response.status, etag: response.headers.get('etag'), body: await response.text() }
    }
    const before = announcements.length
    // The change goes through the second API process; the first learns of it by the announcement.
    const put = await fetch(`${apiUrls[1]}/api/v1/collections/scale-home`, { method: 'PUT', headers: admin, body: JSON.stringify({ title: 'Scale', testimonialIds: [testimonial.id] }) })
    expect(put.status, await put.clone().text()).toBe(200)
    await vi.waitFor(
      async () => {
        const [first, second] = await Promise.all(apiUrls.map(feedOf))
        expect(first!.status).toBe(200)
        expect(first).toEqual(second)
      },
      { timeout: 30_000, interval: 50 },
    )
    const served = await feedOf(apiUrls[0]!)
    expect((JSON.parse(served.body) as { testimonials: unknown[] }).testimonials).toHaveLength(1)

    // Every worker is asked to rebuild the same, unchanged feed: nobody writes or announces it again.
    const jobs = await Promise.all(Array.from({ length: WORKERS }, () => queue.add('rebuild-feed', { slug: 'scale-home' })))
    const results = await Promise.all(jobs.map(async (id) => (await queue.queue.getJob(id))!.waitUntilFinished(events, 30_000)))
    expect(results.map((r) => (r as { changed: boolean }).changed)).toEqual([false, false, false])
    expect(announcements.slice(before)).toEqual(['scale-home'])
    expect(await feedOf(apiUrls[1]!)).toEqual(served)
  }, 120_000)
})
