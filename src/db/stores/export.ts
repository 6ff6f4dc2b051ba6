import type { Db } from '../database.ts'

/**
 * The practice's own data, table by table, for `plaudit export`. Derived tables (rollups, published
 * feeds) are left out: they are rebuilt from these. Secrets never belong in this list.
 */
export const EXPORTED_TABLES = [
  'locations',
  'reviews',
  'review_revisions',
  'review_themes',
  'mentions',
  'testimonials',
  'collections',
  'collection_items',
  'import_runs',
  'import_rejections',
  'audit_log',
  'source_sync_state',
] as const
export type ExportedTable = (typeof EXPORTED_TABLES)[number]

/** Every row of one table as a plain record keyed by column name, read lazily (memory stays flat). */
export function exportRecords(db: Db, table: ExportedTable): IterableIterator<Record<string, unknown>> {
  return db.$client.prepare(`select * from "${table}" order by rowid`).iterate() as IterableIterator<Record<string, unknown>>
}
