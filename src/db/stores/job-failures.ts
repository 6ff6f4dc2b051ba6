import { sql } from 'drizzle-orm'
import type { SqlRunner } from '../database.ts'

export interface JobFailure {
  queue: string
  jobName: string
  jobId: string | null
  reason: string
  payload: string
  failedAt: Date
}

const MAX_PAYLOAD_CHARS = 2_000

export async function recordJobFailure(db: SqlRunner, failure: JobFailure): Promise<void> {
  await db.run(
    sql`insert into job_failures (queue, job_name, job_id, reason, payload, failed_at)
        values (${failure.queue}, ${failure.jobName}, ${failure.jobId}, ${failure.reason}, ${failure.payload.slice(0, MAX_PAYLOAD_CHARS)}, ${failure.failedAt.toISOString()})`,
  )
}

export async function listJobFailures(db: SqlRunner, limit = 50): Promise<JobFailure[]> {
  const rows = await db.all<Omit<JobFailure, 'failedAt'> & { failedAt: string }>(
    sql`select queue, job_name as "jobName", job_id as "jobId", reason, payload, failed_at as "failedAt" from job_failures order by id desc limit ${limit}`,
  )
  return rows.map((row) => ({ queue: row.queue, jobName: row.jobName, jobId: row.jobId, reason: row.reason, payload: row.payload, failedAt: new Date(row.failedAt) }))
}
