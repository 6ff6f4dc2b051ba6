import { sql } from 'drizzle-orm'
import type { SqlRunner } from '../database.ts'

export interface AuditEntry {
  at: Date
  actor: string
  action: string
  subject: string
  before?: unknown
  after?: unknown
}

export async function recordAudit(db: SqlRunner, entry: AuditEntry): Promise<void> {
  const before = entry.before === undefined ? null : JSON.stringify(entry.before)
  const after = entry.after === undefined ? null : JSON.stringify(entry.after)
  await db.run(
    sql`insert into audit_log (at, actor, action, subject, "before", "after")
        values (${entry.at.toISOString()}, ${entry.actor}, ${entry.action}, ${entry.subject}, ${before}, ${after})`,
  )
}
