import { sql } from 'drizzle-orm'
import type { SqlRunner } from '../database.ts'

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

interface ImportRunRow extends ImportCounts {
  id: string
  locationId: string
  fileName: string
  format: string
  startedAt: string
  finishedAt: string | null
  status: 'running' | 'finished' | 'failed'
  error: string | null
}

const runColumns = sql`id, location_id as "locationId", file_name as "fileName", format, started_at as "startedAt", finished_at as "finishedAt", status,
  rows_read as "rowsRead", rows_inserted as "rowsInserted", rows_revised as "rowsRevised", rows_unchanged as "rowsUnchanged",
  rows_rejected as "rowsRejected", error`

export async function startImportRun(db: SqlRunner, params: { id: string; locationId: string; fileName: string; format: string; now: Date }): Promise<void> {
  await db.run(
    sql`insert into import_runs (id, location_id, file_name, format, started_at, status)
        values (${params.id}, ${params.locationId}, ${params.fileName}, ${params.format}, ${params.now.toISOString()}, 'running')`,
  )
}

export async function recordRejections(db: SqlRunner, importId: string, rejections: ImportRejection[]): Promise<void> {
  if (rejections.length === 0) return
  const values = rejections.map((r) => sql`(${importId}, ${r.line}, ${r.field}, ${r.value}, ${r.message})`)
  await db.run(sql`insert into import_rejections (import_id, line, field, value, message) values ${sql.join(values, sql`, `)}`)
}

export async function finishImportRun(db: SqlRunner, params: { id: string; counts: ImportCounts; now: Date; error?: string }): Promise<void> {
  const { counts } = params
  await db.run(
    sql`update import_runs set rows_read = ${counts.rowsRead}, rows_inserted = ${counts.rowsInserted}, rows_revised = ${counts.rowsRevised},
          rows_unchanged = ${counts.rowsUnchanged}, rows_rejected = ${counts.rowsRejected}, status = ${params.error ? 'failed' : 'finished'},
          finished_at = ${params.now.toISOString()}, error = ${params.error ?? null}
        where id = ${params.id}`,
  )
}

export async function getImportReport(db: SqlRunner, id: string): Promise<ImportReport | null> {
  const run = await db.get<ImportRunRow>(sql`select ${runColumns} from import_runs where id = ${id}`)
  if (!run) return null
  const rejections = await db.all<ImportRejection>(sql`select line, field, value, message from import_rejections where import_id = ${id} order by line`)
  return {
    ...run,
    startedAt: new Date(run.startedAt),
    finishedAt: run.finishedAt ? new Date(run.finishedAt) : null,
    rejections,
  }
}

export async function listImportRuns(db: SqlRunner, locationId: string): Promise<Array<Omit<ImportReport, 'rejections'>>> {
  const rows = await db.all<ImportRunRow>(sql`select ${runColumns} from import_runs where location_id = ${locationId} order by started_at desc`)
  return rows.map((run) => ({ ...run, startedAt: new Date(run.startedAt), finishedAt: run.finishedAt ? new Date(run.finishedAt) : null }))
}
