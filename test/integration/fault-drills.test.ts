import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { resolve } from 'node:path'
import { QueueEvents } from 'bullmq'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listJobFailures } from '../../src/db/stores/job-failures.ts'
import { chiropracticPack } from '../../src/domain/themes/default-pack.ts'
import { createTagger } from '../../src/domain/themes/tagger.ts'
import { QUEUE_NAME } from '../../src/jobs/contracts.ts'
import { JobQueue } from '../../src/jobs/queue.ts'
import { importReviews } from '../../src/services/import-reviews.ts'
import { createHandlers } from '../../src/workers/handlers.ts'
import { startWorker } from '../../src/workers/worker.ts'
import { writeReviewsCsv } from '../support/csv.ts'
import { silentLogger } from '../support/pipeline.ts'
import { connectTestRedis, removeKeys, TEST_REDIS_URL, uniquePrefix } from '../support/redis.ts'
import { createTempDatabase, databaseEnv, type TempDatabase } from '../support/temp-db.ts'

const prefix = uniquePrefix('faults')
const BIN = resolve(import.meta.dirname, '../../bin/plaudit.js')
const NOW = new Date('2026-11-20T12:00:00Z')

describe('fault drills', () => {
  let temp: TempDatabase
  const redis = connectTestRedis()
  const queue = new JobQueue(redis, prefix)
  let events: QueueEvents
  const children: ChildProcess[] = []

  beforeAll(async () => {
    temp = await createTempDatabase()
    events = new QueueEvents(QUEUE_NAME, { connection: { url: TEST_REDIS_URL }, prefix })
    await events.waitUntilReady()
  })
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
    await events.close()
    await queue.queue.obliterate({ force: true })
    await queue.close()
    await redis.quit()
    await temp.remove()
    await removeKeys(prefix)
  })

  const startWorkerProcess = () => {
    const child = spawn(process.execPath, [BIN, 'worker'], {
      env: { ...process.env, ...databaseEnv(temp), REDIS_URL: TEST_REDIS_URL, PLAUDIT_QUEUE_PREFIX: prefix, PLAUDIT_WORKER_LOCK_MS: '1000', LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    })
    children.push(child)
    return child
  }

  it('retries the batch of a worker killed with SIGKILL mid-job, with no duplicate mentions', async () => {
    // Long reviews, so the batch takes long enough to be killed in the middle of it.
    const paragraph = (i: number) => `I never felt rushed, but I waited ${i % 60} minutes. My posture is better and the front desk was kind. `
    const rows = Array.from({ length: 500 }, (_, i) => ({ id: `k${i}`, rating: (i % 5) + 1, text: Array.from({ length: 40 }, (_, j) => paragraph(i + j)).join('') }))
    const ids: string[] = []
    await importReviews(temp.db, {
      file: writeReviewsCsv(temp.dir, 'kill.csv', rows),
      locationId: 'kill',
      analyzeBatchSize: 500,
      now: () => NOW,
      enqueueAnalysis: async (reviewIds) => void ids.push(...reviewIds),
    })

    const first = startWorkerProcess()
    const active = new Promise<string>((resolveActive) => events.once('active', ({ jobId }) => resolveActive(jobId)))
    const jobId = await queue.add('analyze-reviews', { locationId: 'kill', reviewIds: ids })
    const completedBy = new Promise<void>((resolveDone) => events.on('completed', ({ jobId: done }) => done === jobId && resolveDone()))
    expect(await active).toBe(jobId)
    first.kill('SIGKILL')
    await once(first, 'exit')

    const second = startWorkerProcess()
    await completedBy
    const job = await queue.queue.getJob(jobId)
    expect(job!.attemptsStarted, 'the killed attempt and the retry').toBeGreaterThanOrEqual(2)
    second.kill('SIGTERM')
    await once(second, 'exit')

    const tag = createTagger(chiropracticPack)
    const expected = rows.reduce((n, r) => n + tag(r.text, r.rating).mentions.length, 0)
    const stored = await temp.db.get(
      sql`select count(*) as n, count(distinct m.review_id || m.theme || cast(m.start as text)) as "distinctMentions", count(distinct m.review_id) as reviews from mentions m join reviews r on r.id = m.review_id where r.location_id = 'kill'`,
    )
    expect(stored).toEqual({ n: expected, distinctMentions: expected, reviews: 500 })
  })

  it('puts a job that throws every time in the failed set after its attempts, records it, and keeps the queue moving', async () => {
    const handlers = await createHandlers({ db: temp.db, analyzer: { pack: chiropracticPack, tag: createTagger(chiropracticPack) }, now: () => NOW, announceFeed: async () => undefined })
    const poisoned = {
      ...handlers,
      'rebuild-feed': async () => {
        throw new Error('poison: this feed can never be built')
      },
    }
    const worker = await startWorker({ connection: redis, prefix, db: temp.db, handlers: poisoned, concurrency: 1, logger: silentLogger, now: () => NOW })
    try {
      const finallyFailed = new Promise<string>((resolveFailed) =>
        worker.on('failed', (job) => job && job.attemptsMade >= 3 && resolveFailed(job.id ?? '')),
      )
      const poison = await queue.queue.add('rebuild-feed', { slug: 'home' }, { attempts: 3, backoff: { type: 'fixed', delay: 10 } })
      const healthyDone = new Promise<void>((resolveDone) => worker.on('completed', (job) => job.name === 'analyze-reviews' && resolveDone()))
      const healthy = await queue.add('analyze-reviews', { locationId: 'kill', reviewIds: ['rv_missing'] })

      expect(await finallyFailed).toBe(poison.id)
      await healthyDone
      expect(await poison.getState()).toBe('failed')
      expect(await (await queue.queue.getJob(healthy))!.getState()).toBe('completed')
      expect((await listJobFailures(temp.db)).filter((f) => f.jobId === poison.id)).toEqual([expect.objectContaining({ reason: 'poison: this feed can never be built' })])
    } finally {
      await worker.close()
    }
  })
})
