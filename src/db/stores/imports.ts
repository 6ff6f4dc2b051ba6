import { asc, eq, sql } from 'drizzle-orm'
import type { Db } from '../database.ts'
import { importRejections, importRuns } from '../schema.ts'

export interface ImportRejection {
  line: number
  field: string
  value: string | null
  message: string
}

export interface ImportCounts {
  rowsRead: number
  rowsInserted: number
  rowsRevised: number
  rowsUnchanged: number
  rowsRejected: number
}

export interface ImportReport extends ImportCounts {
  id: string
  locationId: string
  fileName: string
  format: string
  status: 'running' | 'finished' | 'failed'
  startedAt: Date
  finishedAt: Date | null
  error: string | null
  rejections: ImportRejection[]
}

export function startImportRun(db: Db, params: { id: string; locationId: string; fileName: string; format: string; now: Date }): void {
  db.insert(importRuns)
    .values({ id: params.id, locationId: params.locationId, fileName: params.fileName, format: params.format, startedAt: params.now.toISOString(), status: 'running' })
    .run()
}

export function recordRejections(db: Db, importId: string, rejections: ImportRejection[]): void {
  if (rejections.length === 0) return
  db.insert(importRejections)
    .values(rejections.map((r) => ({ importId, ...r })))
    .run()
}

export function finishImportRun(db: Db, params: { id: string; counts: ImportCounts; now: Date; error?: string }): void {
  db.update(importRuns)
    .set({ ...params.counts, status: params.error ? 'failed' : 'finished', finishedAt: params.now.toISOString(), error: params.error ?? null })
    .where(eq(importRuns.id, params.id))
    .run()
}

export function getImportReport(db: Db, id: string): ImportReport | null {
  const run = db.select().from(importRuns).where(eq(importRuns.id, id)).get()
  if (!run) return null
  const rejections = db
    .select({ line: importRejections.line, field: importRejections.field, value: importRejections.value, message: importRejections.message })
    .from(importRejections)
    .where(eq(importRejections.importId, id))
    .orderBy(asc(importRejections.line))
    .all()
  return {
    ...run,
    startedAt: new Date(run.startedAt),
    finishedAt: run.finishedAt ? new Date(run.finishedAt) : null,
    rejections,
  }
}

export function listImportRuns(db: Db, locationId: string): Array<Omit<ImportReport, 'rejections'>> {
  return db
    .select()
    .from(importRuns)
    .where(eq(importRuns.locationId, locationId))
    .orderBy(sql`${importRuns.startedAt} desc`)
    .all()
    .map((run) => ({ ...run, startedAt: new Date(run.startedAt), finishedAt: run.finishedAt ? new Date(run.finishedAt) : null }))
}
