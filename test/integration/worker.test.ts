import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { resolve } from 'node:path'
import { QueueEvents } from 'bullmq'
import { sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { listJobFailures } from '../../src/db/stores/job-failures.ts'
import { QUEUE_NAME } from '../../src/jobs/contracts.ts'
import { writeReviewsCsv } from '../support/csv.ts'
import { usePipeline } from '../support/pipeline.ts'
import { removeKeys, TEST_REDIS_URL, uniquePrefix } from '../support/redis.ts'
import { databaseEnv } from '../support/temp-db.ts'

const prefix = uniquePrefix('worker')
const BIN = resolve(import.meta.dirname, '../../bin/plaudit.js')

describe('the worker', () => {
  const suite = usePipeline(prefix, () => new Date('2026-11-20T12:00:00Z'))


  it('fails a job with an invalid payload once, without retries, and records it', async () => {
    const failed = once(suite.pipeline.worker, 'failed')
    // Straight onto the queue, past the producer's own check, as a stale or foreign producer would.
    const job = await suite.pipeline.queue.queue.add('analyze-reviews', { locationId: 'clinic', reviewIds: [] }, { attempts: 5 })
    const [failedJob, error] = (await failed) as [{ id: string; attemptsMade: number }, Error]

    expect(failedJob.id).toBe(job.id)
    expect(error.name).toBe('UnrecoverableError')
    expect(error.message).toContain('reviewIds')
    expect(failedJob.attemptsMade).toBe(1)
    expect(await job.getState()).toBe('failed')
    expect(await listJobFailures(suite.temp.db)).toEqual([
      expect.objectContaining({ jobName: 'analyze-reviews', jobId: job.id, reason: expect.stringContaining('reviewIds') }),
    ])
  })

  it('fails a job with an unknown name for good and records it', async () => {
    const failed = once(suite.pipeline.worker, 'failed')
    const job = await suite.pipeline.queue.queue.add('send-spam', { to: 'everyone' })
    const [, error] = (await failed) as [unknown, Error]
    expect(error.message).toBe('unknown job name "send-spam"')
    expect((await listJobFailures(suite.temp.db))[0]).toMatchObject({ jobName: 'send-spam', jobId: job.id })
  })

  it('finishes the current job on SIGTERM, then closes Redis and the database and exits 0', async () => {
    const rows = Array.from({ length: 400 }, (_, i) => ({ id: `w${i}`, rating: 4, text: `Never rushed, and my posture is better. Visit ${i}.` }))
    const { importReviews } = await import('../../src/services/import-reviews.ts')
    const ids: string[] = []
    await importReviews(suite.temp.db, {
      file: writeReviewsCsv(suite.temp.dir, 'sigterm.csv', rows),
      locationId: 'sigterm',
      analyzeBatchSize: 500,
      now: () => new Date('2026-11-20T12:00:00Z'),
      enqueueAnalysis: async (reviewIds) => void ids.push(...reviewIds),
    })
    // A separate prefix so the in-test worker above does not take the job.
    const childPrefix = `${prefix}-child`
    const events = new QueueEvents(QUEUE_NAME, { connection: { url: TEST_REDIS_URL }, prefix: childPrefix })
    await events.waitUntilReady()
    const child = spawn(process.execPath, [BIN, 'worker'], {
      env: { ...process.env, ...databaseEnv(suite.temp), REDIS_URL: TEST_REDIS_URL, PLAUDIT_QUEUE_PREFIX: childPrefix, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let log = ''
    child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()))
    const { JobQueue } = await import('../../src/jobs/queue.ts')
    const { connectTestRedis } = await import('../support/redis.ts')
    const redis = connectTestRedis()
    const queue = new JobQueue(redis, childPrefix)
    try {
      const active = new Promise<void>((resolveActive) => events.on('active', () => resolveActive()))
      const jobId = await queue.add('analyze-reviews', { locationId: 'sigterm', reviewIds: ids })
      await active
      child.kill('SIGTERM')
      const [code] = (await once(child, 'exit')) as [number | null]

      expect(code, log).toBe(0)
      const job = await queue.queue.getJob(jobId)
      expect(await job!.getState()).toBe('completed')
      expect(log).toContain('closed cleanly')
      const tagged = (await suite.temp.db.get<{ n: number }>(sql`select count(distinct m.review_id) as n from mentions m join reviews r on r.id = m.review_id where r.location_id = 'sigterm'`))!
      expect(tagged.n).toBe(400)
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
      await events.close()
      await queue.queue.obliterate({ force: true })
      await queue.close()
      await redis.quit()
      await removeKeys(childPrefix)
    }
  })
})
