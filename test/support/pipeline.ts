import type { Worker } from 'bullmq'
import type { Redis } from 'ioredis'
import { pino } from 'pino'
import { startApiServer, type RunningApi } from '../../src/api/server.ts'
import { chiropracticPack } from '../../src/domain/themes/default-pack.ts'
import type { Db } from '../../src/db/database.ts'
import { JobQueue } from '../../src/jobs/queue.ts'
import { createAnalyzer } from '../../src/services/analyze-reviews.ts'
import { importReviews } from '../../src/services/import-reviews.ts'
import { createStoredAnalyzer } from '../../src/services/theme-backfill.ts'
import { runWorker } from '../../src/workers/run.ts'
import { afterAll, beforeAll } from 'vitest'
import { connectTestRedis, removeKeys } from './redis.ts'
import { createTempDatabase, type TempDatabase } from './temp-db.ts'

export const ADMIN_KEY = 'test-admin-key-0123456789'
export const silentLogger = pino({ level: 'silent' })

/** The real pieces, wired as the CLI wires them: queue, worker, API, one database, one Redis prefix. */
export interface Pipeline {
  redis: Redis
  queue: JobQueue
  worker: Worker
  api: RunningApi
  /** Imports a file and resolves when the worker has finished every analysis job it caused. */
  importAndAnalyze: (file: string, locationId: string) => ReturnType<typeof importReviews>
  close: () => Promise<void>
}

export async function startPipeline(db: Db, prefix: string, now: () => Date, options: { storedPacks?: boolean } = {}): Promise<Pipeline> {
  const redis = connectTestRedis()
  const queue = new JobQueue(redis, prefix)
  // storedPacks: tag with the active pack from the database, as `plaudit worker` does
  const analyzer = options.storedPacks === true ? await createStoredAnalyzer(db, now) : createAnalyzer(chiropracticPack)
  const worker = await runWorker({ db, redis, prefix, analyzer, concurrency: 1, logger: silentLogger, now })
  const api = await startApiServer({
    db,
    redis,
    prefix,
    logger: silentLogger,
    adminApiKey: ADMIN_KEY,
    themeIds: chiropracticPack.themes.map((t) => t.id),
    themeLabels: chiropracticPack.themes.map((t) => ({ id: t.id, label: t.label })),
    now,
    port: 0,
    host: '127.0.0.1',
  })
  await api.subscribed

  const settled = new Map<string, 'completed' | 'failed'>()
  const waiters = new Map<string, () => void>()
  const settle = (id: string | undefined, state: 'completed' | 'failed') => {
    if (!id) return
    settled.set(id, state)
    waiters.get(id)?.()
  }
  worker.on('completed', (job) => settle(job.id, 'completed'))
  worker.on('failed', (job) => settle(job?.id, 'failed'))
  const untilSettled = (id: string) => (settled.has(id) ? Promise.resolve() : new Promise<void>((resolve) => waiters.set(id, resolve)))

  return {
    redis,
    queue,
    worker,
    api,
    importAndAnalyze: async (file, locationId) => {
      const jobIds: string[] = []
      const result = await importReviews(db, {
        file,
        locationId,
        analyzeBatchSize: 100,
        now,
        enqueueAnalysis: async (reviewIds) => void jobIds.push(await queue.add('analyze-reviews', { locationId, reviewIds })),
        enqueueFeedRebuild: async (slug) => void jobIds.push(await queue.add('rebuild-feed', { slug })),
      })
      await Promise.all(jobIds.map(untilSettled))
      const failed = jobIds.filter((id) => settled.get(id) !== 'completed')
      if (failed.length > 0) throw new Error(`analysis jobs failed: ${failed.join(', ')}`)
      return result
    },
    close: async () => {
      await api.close()
      await worker.close()
      await queue.queue.obliterate({ force: true })
      await queue.close()
      await redis.quit()
    },
  }
}

export interface PipelineSuite {
  temp: TempDatabase
  pipeline: Pipeline
}

/**
 * A real pipeline for the enclosing describe block, on its own database and Redis prefix:
 * started before its tests, closed and cleaned up after them. Read `suite.pipeline` and
 * `suite.temp` inside hooks and tests, once they have been started.
 */
export function usePipeline(prefix: string, now: () => Date, options: { storedPacks?: boolean } = {}): PipelineSuite {
  const suite = {} as PipelineSuite
  beforeAll(async () => {
    suite.temp = await createTempDatabase()
    suite.pipeline = await startPipeline(suite.temp.db, prefix, now, options)
  })
  afterAll(async () => {
    await suite.pipeline?.close()
    await suite.temp?.remove()
    await removeKeys(prefix)
  })
  return suite
}
