import { getTableColumns, sql, type SQL } from 'drizzle-orm'
import type { SQLiteTable } from 'drizzle-orm/sqlite-core'
import type { SqlRunner } from '../database.ts'
import {
  auditLog,
  collectionItems,
  collections,
  importRejections,
  importRuns,
  locations,
  mentions,
  reviewRevisions,
  reviews,
  reviewThemes,
  sourceSyncState,
  testimonials,
} from '../schema.ts'

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

/** Rows read per query: memory stays flat however large the table. */
const PAGE_SIZE = 1000

/**
 * How each table is walked: in `order` (its primary key, then tie-breakers), resuming after the last
 * `key` seen. import_rejections has no primary key: its key (import, line) can repeat, so a page
 * never ends inside one key's rows (see exportRecords).
 */
interface TableWalk {
  table: SQLiteTable
  key: string[]
  unique: boolean
  order: string[]
}

function walk(table: SQLiteTable, key: string[], tieBreakers: string[] = []): TableWalk {
  return { table, key, unique: tieBreakers.length === 0, order: [...key, ...tieBreakers] }
}

const walks: Record<ExportedTable, TableWalk> = {
  locations: walk(locations, ['id']),
  reviews: walk(reviews, ['id']),
  review_revisions: walk(reviewRevisions, ['review_id', 'revision']),
  review_themes: walk(reviewThemes, ['review_id', 'theme']),
  mentions: walk(mentions, ['review_id', 'theme', 'start']),
  testimonials: walk(testimonials, ['id']),
  collections: walk(collections, ['slug']),
  collection_items: walk(collectionItems, ['collection_slug', 'testimonial_id']),
  import_runs: walk(importRuns, ['id']),
  import_rejections: walk(importRejections, ['import_id', 'line'], ['field', 'message']),
  audit_log: walk(auditLog, ['id']),
  source_sync_state: walk(sourceSyncState, ['location_id', 'source']),
}

const list = (names: string[]): SQL =>
  sql.join(
    names.map((n) => sql.identifier(n)),
    sql`, `,
  )
const values = (row: Record<string, unknown>, names: string[]): SQL =>
  sql.join(
    names.map((n) => sql`${row[n]}`),
    sql`, `,
  )

/** PostgreSQL gives booleans as true/false, SQLite as 1/0: the export reads the same from both. */
function normalize(row: Record<string, unknown>): Record<string, unknown> {
  for (const [column, value] of Object.entries(row)) if (typeof value === 'boolean') row[column] = value ? 1 : 0
  return row
}

/**
 * Every row of one table as a plain record keyed by column name, read lazily in pages of
 * PAGE_SIZE rows in primary-key order (keyset pagination: each page starts after the last key
 * of the previous one, so a page costs the same at the end of a large table as at its start).
 */
export async function* exportRecords(db: SqlRunner, table: ExportedTable): AsyncGenerator<Record<string, unknown>> {
  const { key, unique, order } = walks[table]
  // The columns of the schema, in its order: the same record whichever engine holds the data.
  const columns = Object.values(getTableColumns(walks[table].table)).map((c) => c.name)
  const select = sql`select ${list(columns)} from ${sql.identifier(table)}`
  const orderBy = sql`order by ${list(order)}`
  let after: Record<string, unknown> | null = null
  for (;;) {
    const where: SQL = after ? sql`where (${list(key)}) > (${values(after, key)})` : sql``
    const rows: Array<Record<string, unknown>> = await db.all<Record<string, unknown>>(sql`${select} ${where} ${orderBy} limit ${PAGE_SIZE}`)
    if (rows.length < PAGE_SIZE || unique) {
      for (const row of rows) yield normalize(row)
      if (rows.length < PAGE_SIZE) return
      after = rows[rows.length - 1]!
      continue
    }
    // The key can repeat: the page may end inside the last key's rows, so that key's rows are read
    // whole on their own and the next page starts after it.
    const last = rows[rows.length - 1]!
    const sameKey = (row: Record<string, unknown>) => key.every((k) => row[k] === last[k])
    for (const row of rows) if (!sameKey(row)) yield normalize(row)
    for (const row of await db.all<Record<string, unknown>>(sql`${select} where (${list(key)}) = (${values(last, key)}) ${orderBy}`)) yield normalize(row)
    after = last
  }
}
