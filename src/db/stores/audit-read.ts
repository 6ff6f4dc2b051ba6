import { and, asc, desc, gte, lt, type SQL } from 'drizzle-orm'
import type { Db } from '../database.ts'
import { auditLog } from '../schema.ts'

export interface AuditRecord {
  id: number
  at: string
  actor: string
  action: string
  subject: string
  before: unknown
  after: unknown
}

export function listAudit(db: Db, params: { from?: string; to?: string; limit: number; order: 'newest' | 'oldest' }): AuditRecord[] {
  const filters: SQL[] = []
  if (params.from) filters.push(gte(auditLog.at, params.from))
  if (params.to) filters.push(lt(auditLog.at, params.to))
  return db
    .select()
    .from(auditLog)
    .where(filters.length > 0 ? and(...filters) : undefined)
    .orderBy(params.order === 'newest' ? desc(auditLog.id) : asc(auditLog.id))
    .limit(params.limit)
    .all()
    .map((r) => ({ ...r, before: r.before === null ? null : JSON.parse(r.before), after: r.after === null ? null : JSON.parse(r.after) }))
}
