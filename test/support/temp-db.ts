import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { closeDatabase, isPostgresUrl, migrateDatabase, openDatabase, type Db } from '../../src/db/database.ts'

/**
 * Which engine the tests run on: `PLAUDIT_TEST_DATABASE=postgres` (npm run test:pg) runs them on the
 * PostgreSQL at PLAUDIT_TEST_POSTGRES_URL; unset, on SQLite files. Read here only: tests ask `onPostgres`.
 */
const engine = process.env.PLAUDIT_TEST_DATABASE ?? ''
if (!['', 'sqlite', 'postgres'].includes(engine)) throw new Error(`PLAUDIT_TEST_DATABASE must be postgres or sqlite (or unset), got "${engine}"`)
export const onPostgres = engine === 'postgres'
export const TEST_POSTGRES_URL = process.env.PLAUDIT_TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test'

export interface TempDatabase {
  db: Db
  /** A temporary folder of the test's own: CSV files, backups, screenshots. */
  dir: string
  /** What `openDatabase` takes: the SQLite file, or `postgres://…` with the test's schema as search_path. */
  url: string
  /** The SQLite file; on PostgreSQL a path that nothing uses. */
  file: string
  /** Closes the database (a test may have closed it already), drops it and deletes `dir`. */
  remove: () => Promise<void>
}

/** A database nothing has created yet, for a child process to create and migrate. */
export interface FreshDatabase {
  /** For DATABASE_URL (and openDatabase): `file:<path>` of a file not created yet, or `postgres://…` of a schema not created yet. */
  url: string
  dir: string
  remove: () => Promise<void>
}

/** The PostgreSQL URL of a schema: every connection opened with it works in that schema only. */
function schemaUrl(schema: string): string {
  return `${TEST_POSTGRES_URL}${TEST_POSTGRES_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`
}

/** Drops a test schema through a short-lived connection of its own. */
async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL })
  await client.connect()
  try {
    await client.query(`drop schema if exists "${schema}" cascade`)
  } finally {
    await client.end()
  }
}

function newSchemaName(): string {
  return `t_${randomBytes(6).toString('hex')}`
}

/**
 * A real, migrated database of the test's own: a SQLite file in its own temporary folder, or a fresh
 * schema `t_<random>` in the test PostgreSQL (created by the migration, dropped by `remove`).
 */
export async function createTempDatabase(): Promise<TempDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'plaudit-test-'))
  const file = join(dir, 'plaudit.db')
  const schema = onPostgres ? newSchemaName() : null
  const url = schema ? schemaUrl(schema) : file
  const db = openDatabase(url)
  try {
    await migrateDatabase(db)
  } catch (error) {
    await closeDatabase(db).catch(() => undefined)
    if (schema) await dropSchema(schema).catch(() => undefined)
    rmSync(dir, { recursive: true, force: true })
    throw error
  }
  return {
    db,
    dir,
    url,
    file,
    remove: async () => {
      // A test may have closed it already (health.test.ts): closing twice is not this test's failure.
      await closeDatabase(db).catch(() => undefined)
      try {
        if (schema) await dropSchema(schema)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  }
}

/**
 * A database for a child process (`plaudit migrate`, `plaudit demo`, …) to create itself, as a
 * newcomer's first run would: a SQLite file in a folder that does not exist yet, or a PostgreSQL
 * schema that does not exist yet (the migration creates it; `remove` drops it).
 */
export function freshDatabase(): FreshDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'plaudit-test-'))
  const schema = onPostgres ? newSchemaName() : null
  return {
    url: schema ? schemaUrl(schema) : `file:${join(dir, 'new', 'plaudit.db')}`,
    dir,
    remove: async () => {
      try {
        if (schema) await dropSchema(schema)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  }
}

/** DATABASE_URL for a child process that shares the test's database (a SQLite path becomes `file:<path>`). */
export function databaseEnv(temp: { url: string }): { DATABASE_URL: string } {
  return { DATABASE_URL: isPostgresUrl(temp.url) || temp.url.startsWith('file:') ? temp.url : `file:${temp.url}` }
}
