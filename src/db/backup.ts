import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import Sqlite from 'better-sqlite3'
import type { Db } from './database.ts'

export class BackupError extends Error {
  override name = 'BackupError'
}

/**
 * Copies the live database to a file with SQLite's online backup API: readers and the writer go
 * on while it runs, and the copy is one consistent snapshot (WAL included). PostgreSQL has its own
 * tools for this (a consistent dump while the services run), so there the error says which to use.
 */
export async function backupDatabase(db: Db, destination: string): Promise<{ pages: number }> {
  if (db.sqlite === null) {
    throw new BackupError(
      `plaudit backup copies a SQLite database; this one is PostgreSQL (${db.description}). Back it up with pg_dump:\n` +
        `  pg_dump --format=custom --file ${destination} "$DATABASE_URL"\n` +
        `and restore it with:\n` +
        `  pg_restore --clean --if-exists --dbname "$DATABASE_URL" ${destination}`,
    )
  }
  mkdirSync(dirname(resolve(destination)), { recursive: true })
  const partial = `${destination}.partial`
  rmSync(partial, { force: true })
  const result = await db.sqlite.backup(partial)
  renameSync(partial, destination)
  return { pages: result.totalPages }
}

/**
 * Replaces the database file with a backup. Checks first that the file is a Plaudit database, so a
 * wrong file never overwrites good data; the current file is kept beside it as `<file>.before-restore`.
 * Stop the API and workers first: they hold the file open.
 */
export async function restoreDatabase(backupFile: string, databaseFile: string): Promise<{ reviews: number }> {
  if (!existsSync(backupFile)) throw new BackupError(`${backupFile}: no such file`)
  const source = new Sqlite(backupFile, { readonly: true, fileMustExist: true })
  try {
    let tables: Set<string>
    try {
      tables = new Set((source.prepare("select name from sqlite_master where type = 'table'").all() as Array<{ name: string }>).map((t) => t.name))
    } catch (error) {
      throw new BackupError(`${backupFile}: not a SQLite database (${(error as Error).message})`)
    }
    if (!tables.has('reviews') || !tables.has('__drizzle_migrations')) throw new BackupError(`${backupFile}: not a Plaudit database (no reviews table or migration history)`)
    const { n } = source.prepare('select count(*) as n from reviews').get() as { n: number }
    mkdirSync(dirname(resolve(databaseFile)), { recursive: true })
    const incoming = `${databaseFile}.restoring`
    rmSync(incoming, { force: true })
    await source.backup(incoming)
    if (existsSync(databaseFile)) renameSync(databaseFile, `${databaseFile}.before-restore`)
    for (const suffix of ['-wal', '-shm']) rmSync(`${databaseFile}${suffix}`, { force: true })
    renameSync(incoming, databaseFile)
    return { reviews: n }
  } finally {
    source.close()
  }
}
