import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { closeDatabase, openDatabase } from '../../src/db/database.ts'
import { findUserByEmail } from '../../src/db/stores/accounts.ts'
import { freshDatabase } from '../support/temp-db.ts'

const BIN = resolve(import.meta.dirname, '../../bin/plaudit.js')
const dir = mkdtempSync(join(tmpdir(), 'plaudit-cli-users-'))
const database = freshDatabase()
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true })
  await database.remove()
})

const plaudit = (args: string[], input?: string) =>
  spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', env: { ...process.env, DATABASE_URL: database.url, REDIS_URL: 'redis://127.0.0.1:1', LOG_LEVEL: 'error' } })

describe('plaudit users add', () => {
  it('adds an owner with the password from a file, stored as an scrypt hash', async () => {
    const file = join(dir, 'pw.txt')
    writeFileSync(file, 'a very long owner password\n')
    const run = plaudit(['users', 'add', '--email', 'Owner@Clinic.test', '--role', 'owner', '--password-file', file])
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout).toContain('added owner@clinic.test (owner)')
    const db = openDatabase(database.url)
    try {
      const user = (await findUserByEmail(db, 'owner@clinic.test'))!
      expect(user.role).toBe('owner')
      expect(user.passwordHash).toMatch(/^scrypt\$131072\$8\$1\$/)
    } finally {
      await closeDatabase(db)
    }
  })

  it('asks for the password when no file is given (piped here), and refuses a short one or an unknown role', () => {
    expect(plaudit(['users', 'add', '--email', 'mia@clinic.test', '--role', 'marketing'], 'another long password\n').status).toBe(0)
    const short = plaudit(['users', 'add', '--email', 'sam@clinic.test', '--role', 'marketing'], 'short\n')
    expect(short.status).toBe(2)
    expect(short.stderr).toContain('at least 12 characters')
    const role = plaudit(['users', 'add', '--email', 'sam@clinic.test', '--role', 'admin'], 'another long password\n')
    expect(role.status).toBe(2)
    expect(role.stderr).toContain('--role must be one of owner, marketing (got "admin")')
  })
})
