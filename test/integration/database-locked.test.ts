import Sqlite from 'better-sqlite3'
import { sql } from 'drizzle-orm'
import { once } from 'node:events'
import type { Redis } from 'ioredis'
import pg from 'pg'
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
import { createTempDatabase, onPostgres, type TempDatabase } from '../support/temp-db.ts'

const NOW = new Date('2026-11-20T12:00:00Z')
const prefix = uniquePrefix('locked')

/** Another process (or connection) holding the lock the API and the worker need. */
interface Locker {
  lock: () => Promise<void>
  unlock: () => Promise<void>
  close: () => Promise<void>
}

interface Engine {
  title: string
  skip: boolean
  locker: (temp: TempDatabase) => Promise<Locker>
  /** The error code of a statement that gave up waiting. */
  busyCode: string
}

const engines: Engine[] = [
  {
    // SQLite only: another process's exclusive transaction on the file; after busy_timeout, SQLITE_BUSY.
    title: 'the database locked by another process',
    skip: onPostgres,
    locker: async (temp) => {
      const locker = new Sqlite(temp.file)
      return {
        lock: async () => void locker.exec('begin exclusive'),
        unlock: async () => void locker.exec('rollback'),
        close: async () => {
          if (locker.inTransaction) locker.exec('rollback')
          locker.close()
        },
      }
    },
    busyCode: 'SQLITE_BUSY',
  },
  {
    // PostgreSQL only: another connection holds the reviews table (as a long migration would); after
    // lock_timeout, lock_not_available.
    title: 'the reviews table locked by another PostgreSQL connection',
    skip: !onPostgres,
    locker: async (temp) => {
      const locker = new pg.Client({ connectionString: temp.url })
      await locker.connect()
      let open = false
      return {
        lock: async () => {
          await locker.query('begin')
          open = true
          await locker.query('lock table reviews in access exclusive mode')
        },
        unlock: async () => {
          await locker.query('rollback')
          open = false
        },
        close: async () => {
          if (open) await locker.query('rollback')
          await locker.end()
        },
      }
    },
    busyCode: '55P03',
  },
]

for (const engine of engines) {
  describe.skipIf(engine.skip)(engine.title, () => {
    let temp: TempDatabase
    let db: Db
    let api: RunningApi
    let locker: Locker
    // Opened in beforeAll: the body of the skipped engine's block runs too, to collect its tests.
    let redis: Redis
    let queue: JobQueue

    beforeAll(async () => {
      redis = connectTestRedis()
      queue = new JobQueue(redis, prefix)
      temp = await createTempDatabase()
      // A lock is waited for 50 ms (SQLite busy_timeout, PostgreSQL lock_timeout), then the statement fails.
      db = openDatabase(temp.url, { busyTimeoutMs: 50 })
      await importReviews(db, { file: writeReviewsCsv(temp.dir, 'r.csv', [{ id: 'x1', rating: 5, text: 'I never felt rushed here.' }]), locationId: 'clinic', analyzeBatchSize: 100, now: () => NOW, enqueueAnalysis: async () => undefined })
      api = await startApiServer({ db, redis, prefix, logger: silentLogger, adminApiKey: ADMIN_KEY, themeIds: [], now: () => NOW, port: 0, host: '127.0.0.1' })
      locker = await engine.locker(temp)
    })
    afterAll(async () => {
      await locker.close()
      await api.close()
      await queue.queue.obliterate({ force: true })
      await queue.close()
      await redis.quit()
      await closeDatabase(db)
      await temp.remove()
      await removeKeys(prefix)
    })

    const createTestimonial = () =>
      fetch(`${api.url}/api/v1/testimonials`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
        body: JSON.stringify({ reviewId: reviewIdFor('clinic', 'import', 'x1'), start: 0, end: 25 }),
      })

    it('makes the API answer 503 with Retry-After, never a 500 with a stack, and succeed once it is free', async () => {
      await locker.lock()
      const refused = await createTestimonial()
      expect(refused.status).toBe(503)
      expect(refused.headers.get('retry-after')).toBe('2')
      const body = await refused.text()
      expect(JSON.parse(body)).toEqual({ error: 'busy', message: 'the database is busy; retry shortly' })
      expect(body).not.toContain('at ')
      expect((await fetch(`${api.url}/api/public/v1/collections/none`)).status).toBe(404)

      await locker.unlock()
      expect((await createTestimonial()).status).toBe(201)
    })

    it('makes a job fail its attempt and succeed on a retry with backoff once the lock is gone', async () => {
      const worker = await runWorker({ db, redis, prefix, analyzer: createAnalyzer(chiropracticPack), concurrency: 1, logger: silentLogger, now: () => NOW })
      try {
        await locker.lock()
        const firstFailure = once(worker, 'failed')
        const jobId = await queue.add('analyze-reviews', { locationId: 'clinic', reviewIds: [reviewIdFor('clinic', 'import', 'x1')] }, { attempts: 50, backoff: { type: 'fixed', delay: 20 } })
        const [, error] = (await firstFailure) as [unknown, Error & { code?: string }]
        expect(error.code).toBe(engine.busyCode)

        const completed = new Promise<void>((resolve) => worker.on('completed', (job) => job.id === jobId && resolve()))
        await locker.unlock()
        await completed
        expect((await db.get<{ n: number }>(sql`select count(*) as n from mentions`))!.n).toBeGreaterThan(0)
      } finally {
        await worker.close()
      }
    })
  })
}
