import type { Worker } from 'bullmq'
import type { Redis } from 'ioredis'
import { feedChannel } from '../jobs/contracts.ts'
import { JobQueue } from '../jobs/queue.ts'
import { createCallEnvironment } from '../services/google-connect.ts'
import type { GoogleSyncDependencies } from '../services/google-sync.ts'
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
  /** Google sync (issue 4): endpoints and token cipher from config; the request budget is shared through Redis. */
  google?: Pick<GoogleSyncDependencies, 'endpoints' | 'cipher'> & { requestsPerMinute: number; sleep?: (ms: number) => Promise<void>; random?: () => number; maxAttempts?: number }
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
    ...(runtime.google && { google: googleWiring(runtime, runtime.google) }),
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

function googleWiring(runtime: WorkerRuntime, google: NonNullable<WorkerRuntime['google']>): NonNullable<Parameters<typeof createHandlers>[0]['google']> {
  const queue = new JobQueue(runtime.redis, runtime.prefix)
  return {
    endpoints: google.endpoints,
    cipher: google.cipher,
    call: createCallEnvironment({
      redis: runtime.redis,
      prefix: runtime.prefix,
      perMinute: google.requestsPerMinute,
      now: runtime.now,
      ...(google.sleep && { sleep: google.sleep }),
      ...(google.random && { random: google.random }),
      ...(google.maxAttempts && { maxAttempts: google.maxAttempts }),
    }),
    enqueueAnalysis: async (locationId, reviewIds) => {
      await queue.add('analyze-reviews', { locationId, reviewIds })
    },
  }
}
