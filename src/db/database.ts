import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import Sqlite from 'better-sqlite3'
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import * as schema from './schema.ts'

export type Db = BetterSQLite3Database<typeof schema> & { $client: Sqlite.Database }

const migrationsFolder = resolve(dirname(fileURLToPath(import.meta.url)), '../../drizzle/sqlite')

/**
 * Opens the SQLite database in WAL mode. Several processes (API, workers) may open the same file:
 * WAL lets readers go on while the one writer writes, and busy_timeout makes a second writer wait
 * instead of failing at once; past busy_timeout the caller gets SQLITE_BUSY (API: 503, job: retry).
 */
export function openDatabase(file: string, options: { busyTimeoutMs?: number } = {}): Db {
  if (file !== ':memory:') mkdirSync(dirname(resolve(file)), { recursive: true })
  const client = new Sqlite(file)
  client.pragma('journal_mode = WAL')
  client.pragma('synchronous = NORMAL')
  client.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`)
  client.pragma('foreign_keys = ON')
  return drizzle({ client, schema }) as Db
}

export function migrateDatabase(db: Db): void {
  migrate(db, { migrationsFolder })
}

export function closeDatabase(db: Db): void {
  if (db.$client.open) db.$client.close()
}

export function isDatabaseHealthy(db: Db): boolean {
  try {
    return db.$client.prepare('select 1 as ok').get() !== undefined
  } catch {
    return false
  }
}
