import type { Worker } from 'bullmq'
import type { Redis } from 'ioredis'
import { feedChannel } from '../jobs/contracts.ts'
import type { Db } from '../db/database.ts'
import type { Logger } from '../logging.ts'
import type { Analyzer } from '../services/analyze-reviews.ts'
import { createHandlers } from './handlers.ts'
import { startWorker } from './worker.ts'

export interface WorkerRuntime {
  db: Db
  redis: Redis
  prefix: string
  analyzer: Analyzer
  concurrency: number
  lockDurationMs?: number
  logger: Logger
  now: () => Date
}

/** Starts a worker with every handler wired to the real database, Redis and theme engine. */
export function runWorker(runtime: WorkerRuntime): Worker {
  const handlers = createHandlers({
    db: runtime.db,
    analyzer: runtime.analyzer,
    now: runtime.now,
    announceFeed: async (slug) => {
      await runtime.redis.publish(feedChannel(runtime.prefix), slug)
    },
  })
  return startWorker({
    connection: runtime.redis,
    prefix: runtime.prefix,
    db: runtime.db,
    handlers,
    concurrency: runtime.concurrency,
    lockDurationMs: runtime.lockDurationMs,
    logger: runtime.logger,
    now: runtime.now,
  })
}
