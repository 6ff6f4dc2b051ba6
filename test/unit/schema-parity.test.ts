import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { getTableColumns, getTableName, is, type Column, type Table } from 'drizzle-orm'
import { getTableConfig as getPgTableConfig, PgTable } from 'drizzle-orm/pg-core'
import { getTableConfig as getSqliteTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core'
import { describe, expect, it } from 'vitest'
import * as pgSchema from '../../src/db/schema-pg.ts'
import * as sqliteSchema from '../../src/db/schema.ts'

/**
 * The same SQL runs on SQLite (schema.ts) and PostgreSQL (schema-pg.ts): a column, key or index added to
 * one schema and not the other would break one engine only. What PostgreSQL has on top, on purpose:
 */
const PG_ONLY_COLUMNS: Record<string, string[]> = {
  // Full-text search; SQLite's is the FTS5 table reviews_fts (drizzle/sqlite/0003_fts.sql).
  reviews: ['search'],
}
const PG_ONLY_INDEXES: Record<string, string[]> = {
  // Both hand-written in drizzle/sqlite/0003_fts.sql on SQLite (reviews_search is FTS5 there).
  reviews: ['reviews_search', 'reviews_created'],
}

/** Which PostgreSQL column types stand for each SQLite one (bigint where a value can pass 2^31). */
const PG_TYPES: Record<string, string[]> = {
  SQLiteText: ['PgText'],
  SQLiteInteger: ['PgInteger', 'PgBigInt53'],
  SQLiteReal: ['PgDoublePrecision'],
  SQLiteBoolean: ['PgBoolean'],
}

const sqliteTables = Object.entries(sqliteSchema).flatMap(([key, value]): Array<[string, SQLiteTable]> => (is(value, SQLiteTable) ? [[key, value]] : []))
const pgTables = new Map(Object.entries(pgSchema).flatMap(([key, value]): Array<[string, PgTable]> => (is(value, PgTable) ? [[key, value]] : [])))

function describeColumn(column: Column) {
  return {
    name: column.name,
    notNull: column.notNull,
    primary: column.primary,
    hasDefault: column.default !== undefined,
    default: column.default,
    unique: column.isUnique ? column.uniqueName : null,
  }
}

describe('the PostgreSQL schema mirrors the SQLite one', () => {
  it('has every table under the same export and table name, and no other', () => {
    expect(sqliteTables.length).toBeGreaterThan(30)
    expect([...pgTables.keys()].sort()).toEqual(sqliteTables.map(([key]) => key).sort())
    for (const [key, table] of sqliteTables) expect(getPgTableConfig(pgTables.get(key)!).name, key).toBe(getSqliteTableConfig(table).name)
  })

  for (const [key, sqliteTable] of sqliteTables) {
    it(`${key}: same columns, keys, indexes and foreign keys`, () => {
      const pgTable = pgTables.get(key)
      expect(pgTable, `${key} is missing from schema-pg.ts`).toBeDefined()
      const lite = getSqliteTableConfig(sqliteTable)
      const pg = getPgTableConfig(pgTable!)
      const pgOnlyColumns = PG_ONLY_COLUMNS[lite.name] ?? []

      // Columns: same TS keys, SQL names, nullability, primary key, default, unique; matching types.
      const liteColumns = getTableColumns(sqliteTable)
      const pgColumns = Object.fromEntries(Object.entries(getTableColumns(pgTable!)).filter(([, c]) => !pgOnlyColumns.includes(c.name)))
      expect(Object.keys(pgColumns)).toEqual(Object.keys(liteColumns))
      for (const [field, liteColumn] of Object.entries(liteColumns)) {
        const pgColumn = pgColumns[field]!
        expect(describeColumn(pgColumn), `${key}.${field}`).toEqual(describeColumn(liteColumn))
        expect(PG_TYPES[liteColumn.columnType], `${key}.${field}: ${liteColumn.columnType} → ${pgColumn.columnType}`).toContain(pgColumn.columnType)
        const autoIncrement = (liteColumn as unknown as { autoIncrement?: boolean }).autoIncrement === true
        expect(pgColumn.generatedIdentity !== undefined, `${key}.${field}: autoincrement ↔ identity`).toBe(autoIncrement)
      }
      for (const name of pgOnlyColumns) expect(pg.columns.map((c) => c.name)).toContain(name)

      expect(pg.primaryKeys.map((k) => k.columns.map((c) => c.name))).toEqual(lite.primaryKeys.map((k) => k.columns.map((c) => c.name)))
      expect(pg.uniqueConstraints.map((u) => [u.name, u.columns.map((c) => c.name)])).toEqual(
        lite.uniqueConstraints.map((u) => [u.name, u.columns.map((c) => c.name)]),
      )

      const pgOnlyIndexes = PG_ONLY_INDEXES[lite.name] ?? []
      const index = (config: { name?: string; unique?: boolean; columns: readonly unknown[] }) => ({
        name: config.name,
        unique: config.unique ?? false,
        columns: config.columns.map((c) => (c as { name: string }).name),
      })
      expect(pg.indexes.map((i) => index(i.config)).filter((i) => !pgOnlyIndexes.includes(i.name ?? ''))).toEqual(lite.indexes.map((i) => index(i.config)))
      for (const name of pgOnlyIndexes) expect(pg.indexes.map((i) => i.config.name)).toContain(name)

      const foreignKey = (fk: { reference(): { columns: Column[]; foreignColumns: Column[]; foreignTable: Table } }, onDelete: string | undefined) => {
        const ref = fk.reference()
        return {
          columns: ref.columns.map((c) => c.name),
          table: getTableName(ref.foreignTable),
          foreignColumns: ref.foreignColumns.map((c) => c.name),
          onDelete: onDelete ?? 'no action',
        }
      }
      expect(pg.foreignKeys.map((fk) => foreignKey(fk, fk.onDelete))).toEqual(lite.foreignKeys.map((fk) => foreignKey(fk, fk.onDelete)))
    })
  }
})

describe('PostgreSQL migrations', () => {
  const folder = resolve(dirname(fileURLToPath(import.meta.url)), '../../drizzle/pg')
  const files = readdirSync(folder).filter((f) => f.endsWith('.sql'))

  it('create tables in the connection\'s schema (search_path), never in "public"', () => {
    // drizzle-kit writes REFERENCES "public"."x": remove every such qualifier after `npm run db:generate:pg`.
    expect(files.length).toBeGreaterThan(0)
    for (const file of files) expect(readFileSync(join(folder, file), 'utf8'), file).not.toContain('"public".')
  })

  it('are all in the journal', () => {
    const journal = JSON.parse(readFileSync(join(folder, 'meta/_journal.json'), 'utf8')) as { entries: Array<{ tag: string }> }
    expect(journal.entries.map((e) => `${e.tag}.sql`).sort()).toEqual(files.sort())
  })
})
