import { sql, type SQL } from 'drizzle-orm'
import type { SqlRunner } from '../database.ts'

export interface AuditRecord {
  id: number
  at: string
  actor: string
  action: string
  subject: string
  before: unknown
  after: unknown
}

export async function listAudit(db: SqlRunner, params: { from?: string; to?: string; limit: number; order: 'newest' | 'oldest' }): Promise<AuditRecord[]> {
  const filters: SQL[] = []
  if (params.from) filters.push(sql`at >= ${params.from}`)
  if (params.to) filters.push(sql`at < ${params.to}`)
  const where = filters.length > 0 ? sql`where ${sql.join(filters, sql` and `)}` : sql``
  const rows = await db.all<{ id: number; at: string; actor: string; action: string; subject: string; before: string | null; after: string | null }>(
    sql`select id, at, actor, action, subject, "before", "after" from audit_log ${where}
        order by id ${params.order === 'newest' ? sql`desc` : sql`asc`} limit ${params.limit}`,
  )
  return rows.map((r) => ({ ...r, id: Number(r.id), before: r.before === null ? null : JSON.parse(r.before), after: r.after === null ? null : JSON.parse(r.after) }))
}
