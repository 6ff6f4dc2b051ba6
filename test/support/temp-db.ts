import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { closeDatabase, migrateDatabase, openDatabase, type Db } from '../../src/db/database.ts'

export interface TempDatabase {
  db: Db
  dir: string
  file: string
  remove: () => void
}

/** A real, migrated SQLite file in its own temporary folder. */
export function createTempDatabase(): TempDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'plaudit-test-'))
  const file = join(dir, 'plaudit.db')
  const db = openDatabase(file)
  migrateDatabase(db)
  return {
    db,
    dir,
    file,
    remove: () => {
      closeDatabase(db)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
