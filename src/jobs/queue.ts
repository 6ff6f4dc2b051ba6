import { Queue, type JobsOptions } from 'bullmq'
import { Redis } from 'ioredis'
import { QUEUE_NAME, parseJobData, type JobData, type JobName } from './contracts.ts'

export interface QueueSettings {
  redisUrl: string
  prefix: string
}

/** BullMQ needs maxRetriesPerRequest: null on the connections its workers block on. */
export function connectRedis(redisUrl: string, options: { lazy?: boolean } = {}): Redis {
  return new Redis(redisUrl, { maxRetriesPerRequest: null, lazyConnect: options.lazy ?? false })
}

const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { count: 1000 },
  removeOnFail: { count: 5000 },
}

/** BullMQ job id of a backfill ("chiropractic@3" → "backfill-chiropractic-v3"). */
export function backfillJobId(backfillId: string): string {
  return `backfill-${backfillId.replace('@', '-v')}`
}

/** The producing side: every job is checked against its contract before it reaches Redis. */
export class JobQueue {
  readonly queue: Queue

  /**
   * Connection errors are reported to `onError` and not thrown: ioredis reconnects by itself and
   * re-sends the commands in flight, so an add waits out a Redis restart instead of failing.
   */
  constructor(connection: Redis, prefix: string, onError: (error: Error) => void = () => undefined) {
    this.queue = new Queue(QUEUE_NAME, { connection, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS })
    this.queue.on('error', onError)
  }

  async add<K extends JobName>(name: K, data: JobData<K>, options: JobsOptions = {}): Promise<string> {
    const job = await this.queue.add(name, parseJobData(name, data), options)
    return job.id ?? ''
  }

  async addMany<K extends JobName>(name: K, payloads: Array<JobData<K>>): Promise<void> {
    if (payloads.length === 0) return
    await this.queue.addBulk(payloads.map((data) => ({ name, data: parseJobData(name, data) })))
  }

  /** Issue 6: repeating work through a BullMQ job scheduler (one per name, however many processes call this). */
  async scheduleEvery<K extends JobName>(name: K, everyMs: number, data: JobData<K>): Promise<void> {
    await this.queue.upsertJobScheduler(name, { every: everyMs }, { name, data: parseJobData(name, data) })
  }

  /** Queues a pack's backfill once: the job id is the backfill id, so asking twice adds one job. */
  async addBackfill(backfillId: string): Promise<string> {
    return this.add('backfill-themes', { backfillId }, { jobId: backfillJobId(backfillId) })
  }

  /** Waiting, active and delayed jobs: zero means the workers have caught up. */
  async pendingCount(): Promise<number> {
    const counts = await this.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children')
    return Object.values(counts).reduce((sum, n) => sum + n, 0)
  }

  async close(): Promise<void> {
    await this.queue.close()
  }
}
