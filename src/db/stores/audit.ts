import type { Db } from '../database.ts'
import { auditLog } from '../schema.ts'

export interface AuditEntry {
  at: Date
  actor: string
  action: string
  subject: string
  before?: unknown
  after?: unknown
}

export function recordAudit(db: Db, entry: AuditEntry): void {
  db.insert(auditLog)
    .values({
      at: entry.at.toISOString(),
      actor: entry.actor,
      action: entry.action,
      subject: entry.subject,
      before: entry.before === undefined ? null : JSON.stringify(entry.before),
      after: entry.after === undefined ? null : JSON.stringify(entry.after),
    })
    .run()
}
