import Sqlite from 'better-sqlite3'
import { once } from 'node:events'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer, type RunningApi } from '../../src/api/server.ts'
import { closeDatabase, openDatabase, type Db } from '../../src/db/database.ts'
import { reviewIdFor } from '../../src/db/ids.ts'
import { chiropracticPack } from '../../src/domain/themes/default-pack.ts'
import { JobQueue } from '../../src/jobs/queue.ts'
import { createAnalyzer } from '../../src/services/analyze-reviews.ts'
import { importReviews } from '../../src/services/import-reviews.ts'
import { runWorker } from '../../src/workers/run.ts'
import { writeReviewsCsv } from '../support/csv.ts'
import { ADMIN_KEY, silentLogger } from '../support/pipeline.ts'
import { connectTestRedis, removeKeys, uniquePrefix } from '../support/redis.ts'
import { createTempDatabase, type TempDatabase } from '../support/temp-db.ts'

const NOW = new Date('2026-11-20T12:00:00Z')
const prefix = uniquePrefix('locked')

describe('the database locked by another process', () => {
  let temp: TempDatabase
  let db: Db
  let api: RunningApi
  let locker: Sqlite.Database
  const redis = connectTestRedis()
  const queue = new JobQueue(redis, prefix)

  beforeAll(async () => {
    temp = createTempDatabase()
    db = openDatabase(temp.file, { busyTimeoutMs: 50 })
    await importReviews(db, { file: writeReviewsCsv(temp.dir, 'r.csv', [{ id: 'x1', rating: 5, text: 'I never felt rushed here.' }]), locationId: 'clinic', analyzeBatchSize: 100, now: () => NOW, enqueueAnalysis: async () => undefined })
    api = await startApiServer({ db, redis, prefix, logger: silentLogger, adminApiKey: ADMIN_KEY, themeIds: [], now: () => NOW, port: 0, host: '127.0.0.1' })
    locker = new Sqlite(temp.file)
  })
  afterAll(async () => {
    if (locker.inTransaction) locker.exec('rollback')
    locker.close()
    await api.close()
    await queue.queue.obliterate({ force: true })
    await queue.close()
    await redis.quit()
    closeDatabase(db)
    temp.remove()
    await removeKeys(prefix)
  })

  const createTestimonial = () =>
    fetch(`${api.url}/api/v1/testimonials`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify({ reviewId: reviewIdFor('import', 'x1'), start: 0, end: 25 }),
    })

  it('makes the API answer 503 with Retry-After, never a 500 with a stack, and succeed once it is free', async () => {
    locker.exec('begin exclusive')
    const refused = await createTestimonial()
    expect(refused.status).toBe(503)
    expect(refused.headers.get('retry-after')).toBe('2')
    const body = await refused.text()
    expect(JSON.parse(body)).toEqual({ error: 'busy', message: 'the database is busy; retry shortly' })
    expect(body).not.toContain('at ')
    expect((await fetch(`${api.url}/api/public/v1/collections/none`)).status).toBe(404)

    locker.exec('rollback')
    expect((await createTestimonial()).status).toBe(201)
  })

  it('makes a job fail its attempt and succeed on a retry with backoff once the lock is gone', async () => {
    const worker = runWorker({ db, redis, prefix, analyzer: createAnalyzer(chiropracticPack), concurrency: 1, logger: silentLogger, now: () => NOW })
    try {
      locker.exec('begin exclusive')
      const firstFailure = once(worker, 'failed')
      const jobId = await queue.add('analyze-reviews', { locationId: 'clinic', reviewIds: [reviewIdFor('import', 'x1')] }, { attempts: 50, backoff: { type: 'fixed', delay: 20 } })
      const [, error] = (await firstFailure) as [unknown, Error & { code?: string }]
      expect(error.code).toBe('SQLITE_BUSY')

      const completed = new Promise<void>((resolve) => worker.on('completed', (job) => job.id === jobId && resolve()))
      locker.exec('rollback')
      await completed
      expect((db.$client.prepare('select count(*) as n from mentions').get() as { n: number }).n).toBeGreaterThan(0)
    } finally {
      await worker.close()
    }
  })
})
