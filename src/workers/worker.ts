import { UnrecoverableError, Worker, type Job } from 'bullmq'
import type { Redis } from 'ioredis'
import { InvalidJobPayloadError, isJobName, parseJobData, QUEUE_NAME, type JobName } from '../jobs/contracts.ts'
import type { Db } from '../db/database.ts'
import { recordJobFailure } from '../db/stores/job-failures.ts'
import type { Logger } from '../logging.ts'
import type { Handlers } from './handlers.ts'

export interface WorkerOptions {
  connection: Redis
  prefix: string
  db: Db
  handlers: Handlers
  concurrency: number
  /** A killed worker's job is taken up again once its lock lapses; stalled checks run twice as often. */
  lockDurationMs?: number
  logger: Logger
  now: () => Date
}

/**
 * Runs Plaudit's jobs. A payload that breaks its contract can never succeed, so it fails at once
 * with UnrecoverableError (no retries); every job that fails for good is recorded for the owner.
 */
export function startWorker(options: WorkerOptions): Worker {
  const { db, handlers, logger } = options

  const run = async (job: Job): Promise<unknown> => {
    if (!isJobName(job.name)) throw new UnrecoverableError(`unknown job name "${job.name}"`)
    const name: JobName = job.name
    let data
    try {
      data = parseJobData(name, job.data)
    } catch (error) {
      if (error instanceof InvalidJobPayloadError) throw new UnrecoverableError(error.message)
      throw error
    }
    const handler = handlers[name] as (data: unknown, job: Job) => Promise<unknown>
    return handler(data, job)
  }

  const record = async (job: Job, error: Error) => {
    try {
      await recordJobFailure(db, { queue: QUEUE_NAME, jobName: job.name, jobId: job.id ?? null, reason: error.message, payload: JSON.stringify(job.data) ?? 'undefined', failedAt: options.now() })
    } catch (recordError) {
      logger.error({ jobId: job.id, err: (recordError as Error).message }, 'could not record job failure')
    }
  }

  // A job's last failure is recorded before BullMQ marks it failed, so whoever sees it in the
  // failed set (the owner's page, a test) also finds the record.
  const recordedByProcessor = new WeakSet<Job>()
  const process = async (job: Job): Promise<unknown> => {
    try {
      return await run(job)
    } catch (error) {
      const final = error instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1)
      if (final) {
        await record(job, error as Error)
        recordedByProcessor.add(job)
      }
      throw error
    }
  }

  const worker = new Worker(QUEUE_NAME, process, {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: options.concurrency,
    ...(options.lockDurationMs !== undefined && { lockDuration: options.lockDurationMs, stalledInterval: Math.max(250, Math.floor(options.lockDurationMs / 2)) }),
  })

  // Failures outside the processor (a job stalled too often) are recorded from the event; closing
  // the worker waits for those writes, so whoever closes the worker may close the database next.
  const recording = new Set<Promise<void>>()
  worker.on('failed', (job, error) => {
    if (!job) return
    const final = error.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1)
    logger.warn({ jobId: job.id, job: job.name, attempt: job.attemptsMade, final, err: error.message }, 'job failed')
    if (!final || recordedByProcessor.has(job)) return
    const recorded = record(job, error).finally(() => recording.delete(recorded))
    recording.add(recorded)
  })
  worker.on('error', (error) => logger.error({ err: error.message }, 'worker error'))
  const closeWorker = worker.close.bind(worker)
  worker.close = async (force?: boolean) => {
    await closeWorker(force)
    await Promise.all(recording)
  }
  return worker
}
