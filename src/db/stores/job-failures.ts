import { desc } from 'drizzle-orm'
import type { Db } from '../database.ts'
import { jobFailures } from '../schema.ts'

export interface JobFailure {
  queue: string
  jobName: string
  jobId: string | null
  reason: string
  payload: string
  failedAt: Date
}

const MAX_PAYLOAD_CHARS = 2_000

export function recordJobFailure(db: Db, failure: JobFailure): void {
  db.insert(jobFailures)
    .values({ ...failure, payload: failure.payload.slice(0, MAX_PAYLOAD_CHARS), failedAt: failure.failedAt.toISOString() })
    .run()
}

export function listJobFailures(db: Db, limit = 50): JobFailure[] {
  return db
    .select()
    .from(jobFailures)
    .orderBy(desc(jobFailures.id))
    .limit(limit)
    .all()
    .map((row) => ({ queue: row.queue, jobName: row.jobName, jobId: row.jobId, reason: row.reason, payload: row.payload, failedAt: new Date(row.failedAt) }))
}
