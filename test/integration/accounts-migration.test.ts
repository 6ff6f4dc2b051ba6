import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import Sqlite from 'better-sqlite3'
import { sql } from 'drizzle-orm'
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3'
import { migrate as migrateSqlite } from 'drizzle-orm/better-sqlite3/migrator'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator'
import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import { closeDatabase, isPostgresUrl, openDatabase } from '../../src/db/database.ts'
import { listApiKeys } from '../../src/db/stores/accounts.ts'
import { removeUser } from '../../src/services/accounts.ts'
import { freshDatabase, onPostgres, type FreshDatabase } from '../support/temp-db.ts'

/**
 * Issue 13, point 8: keys made before the upgrade must be revoked with their person too, so the
 * migration that adds `api_keys.created_by_user` fills it from `created_by` ("user:<email>").
 */
const NOW = new Date('2026-11-20T12:00:00Z')
const MIGRATION = 'accounts-hardening'

/** A copy of the engine's migrations up to, not including, the one that adds the column. */
function migrationsBefore(engine: 'sqlite' | 'pg', dir: string): string {
  const folder = join(dir, `migrations-${engine}`)
  cpSync(resolve(import.meta.dirname, '../../drizzle', engine), folder, { recursive: true })
  const journalFile = join(folder, 'meta/_journal.json')
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: Array<{ tag: string }> }
  const at = journal.entries.findIndex((entry) => entry.tag.endsWith(MIGRATION))
  expect(at, `a ${engine} migration named ${MIGRATION}`).toBeGreaterThan(0)
  writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }))
  return folder
}

const OLD_ROWS = [
  `insert into users (id, email, role, password_hash, created_at) values ('us_pat', 'pat@clinic.test', 'owner', 'scrypt$x', '2026-01-01T00:00:00.000Z')`,
  `insert into users (id, email, role, password_hash, created_at) values ('us_kim', 'kim@clinic.test', 'owner', 'scrypt$x', '2026-01-01T00:00:00.000Z')`,
  `insert into api_keys (id, name, key_hash, scope, created_by, created_at) values ('ak_pats', 'pats-key', 'h1', 'owner', 'user:pat@clinic.test', '2026-01-02T00:00:00.000Z')`,
  `insert into api_keys (id, name, key_hash, scope, created_by, created_at) values ('ak_admin', 'bootstrap', 'h2', 'owner', 'admin-api-key', '2026-01-03T00:00:00.000Z')`,
]

/** Creates the database as the release before this migration left it, with a person's key in it. */
async function databaseOfTheLastRelease(fresh: FreshDatabase): Promise<void> {
  if (isPostgresUrl(fresh.url)) {
    const schema = decodeURIComponent(fresh.url).match(/search_path=(\w+)/)![1]!
    const client = new pg.Client({ connectionString: fresh.url })
    await client.connect()
    try {
      await client.query(`create schema "${schema}"`)
      await migratePg(drizzlePg({ client }), { migrationsFolder: migrationsBefore('pg', fresh.dir), migrationsSchema: schema })
      for (const statement of OLD_ROWS) await client.query(statement)
    } finally {
      await client.end()
    }
    return
  }
  const file = fresh.url.replace(/^file:/, '')
  mkdirSync(dirname(file), { recursive: true })
  const sqlite = new Sqlite(file)
  try {
    migrateSqlite(drizzleSqlite(sqlite), { migrationsFolder: migrationsBefore('sqlite', fresh.dir) })
    for (const statement of OLD_ROWS) sqlite.exec(statement)
  } finally {
    sqlite.close()
  }
}

describe(`upgrading to the ${MIGRATION} migration (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let fresh: FreshDatabase | null = null
  afterEach(async () => {
    await fresh?.remove()
  })

  it('carries the person who made each existing key over, so removing them revokes it', async () => {
    fresh = freshDatabase()
    await databaseOfTheLastRelease(fresh)
    const db = openDatabase(fresh.url)
    try {
      await db.migrate()
      expect((await listApiKeys(db)).map((k) => [k.id, k.createdByUser, k.revokedAt])).toEqual([
        ['ak_pats', 'us_pat', null],
        ['ak_admin', null, null],
      ])
      await removeUser(db, 'us_pat', 'user:kim@clinic.test', NOW)
      expect((await listApiKeys(db)).map((k) => [k.id, k.revokedAt])).toEqual([
        ['ak_pats', NOW],
        ['ak_admin', null],
      ])
      expect(await db.all(sql`select id from users order by id`)).toEqual([{ id: 'us_kim' }])
    } finally {
      await closeDatabase(db)
    }
  })
})
