import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { sql } from 'drizzle-orm'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer } from '../../src/api/server.ts'
import { closeDatabase, openDatabase } from '../../src/db/database.ts'
import { reviewIdFor } from '../../src/db/ids.ts'
import { createTestimonialFromReview, replaceCollection } from '../../src/services/curation.ts'
import { publishFeed } from '../../src/services/feed-publisher.ts'
import { writeReviewsCsv } from '../support/csv.ts'
import { silentLogger, usePipeline, type PipelineSuite } from '../support/pipeline.ts'
import { uniquePrefix } from '../support/redis.ts'
import { databaseEnv, onPostgres, TEST_POSTGRES_URL } from '../support/temp-db.ts'

const NOW = new Date('2026-11-20T12:00:00Z')
const prefix = uniquePrefix('backup')
const BIN = resolve(import.meta.dirname, '../../bin/plaudit.js')

/** One imported, analysed review quoted in the published feed 'home', served by the suite's API. */
async function seedHomeFeed(suite: PipelineSuite): Promise<void> {
  await suite.pipeline.importAndAnalyze(writeReviewsCsv(suite.temp.dir, 'r.csv', [{ id: 'k1', rating: 5, text: 'I never felt rushed. Great posture tips.' }]), 'clinic')
  const t = await createTestimonialFromReview(suite.temp.db, { reviewId: reviewIdFor('clinic', 'import', 'k1'), start: 0, end: 20, publish: true }, 'test', NOW)
  await replaceCollection(suite.temp.db, { slug: 'home', title: 'Home', testimonialIds: [t.id] }, 'test', NOW)
  suite.pipeline.api.feeds.put((await publishFeed(suite.temp.db, 'home', NOW))!)
}

/** `plaudit <args>` in a child process on the given database (a SQLite path or a postgres:// URL). */
const run = (args: string[], databaseUrl: string) =>
  spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...databaseEnv({ url: databaseUrl }), LOG_LEVEL: 'error' } })

// SQLite only: `plaudit backup` and `restore` copy the SQLite file (online backup API); a PostgreSQL is backed up with its own tools (below).
describe.skipIf(onPostgres)('backup and restore', () => {
  const suite = usePipeline(prefix, () => NOW)

  beforeAll(() => seedHomeFeed(suite))

  it('restores a copy taken while the API runs, which serves the same feed bytes and ETag', async () => {
    const live = await fetch(`${suite.pipeline.api.url}/api/public/v1/collections/home`)
    const liveBody = await live.text()

    const backupFile = join(suite.temp.dir, 'backups', 'plaudit-backup.db')
    const backup = run(['backup', backupFile], suite.temp.file)
    expect(backup.status, backup.stderr).toBe(0)

    const restoredFile = join(suite.temp.dir, 'restored', 'plaudit.db')
    const restore = run(['restore', backupFile], restoredFile)
    expect(restore.status, restore.stderr).toBe(0)
    expect(restore.stdout).toContain('1 reviews')

    const restoredDb = openDatabase(restoredFile)
    const api = await startApiServer({ db: restoredDb, redis: suite.pipeline.redis, prefix: `${prefix}-restored`, logger: silentLogger, adminApiKey: undefined, themeIds: [], now: () => NOW, port: 0, host: '127.0.0.1' })
    try {
      const restored = await fetch(`${api.url}/api/public/v1/collections/home`)
      expect(restored.headers.get('etag')).toBe(live.headers.get('etag'))
      expect(await restored.text()).toBe(liveBody)
    } finally {
      await api.close()
      await closeDatabase(restoredDb)
    }
  })

  it('refuses to restore a file that is not a Plaudit database, leaving the current one alone', async () => {
    const notADatabase = join(suite.temp.dir, 'notes.txt')
    writeFileSync(notADatabase, 'hello')
    const restore = run(['restore', notADatabase], suite.temp.file)
    expect(restore.status).toBe(1)
    expect(restore.stderr).toMatch(/not a (SQLite|Plaudit) database/)
    expect(await suite.temp.db.get(sql`select count(*) as n from reviews`)).toEqual({ n: 1 })
  })
})

const onPath = (tool: string) => spawnSync(tool, ['--version'], { encoding: 'utf8' }).status === 0
const pgTools = onPath('pg_dump') && onPath('pg_restore')

/** The URL of another database on the test server, working in `schema` (as the test's own URL does). */
function databaseUrl(database: string, schema?: string): string {
  const url = new URL(TEST_POSTGRES_URL)
  url.pathname = `/${database}`
  const text = url.toString()
  return schema ? `${text}${text.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}` : text
}

/** Runs one statement on the test server's own database, through a short-lived connection. */
async function onServer(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

// PostgreSQL only: the drill README "Backups" describes, with PostgreSQL's tools, into a database of its own.
describe.runIf(onPostgres)('backup and restore on PostgreSQL', () => {
  describe.skipIf(!pgTools)(pgTools ? 'with pg_dump and pg_restore' : 'skipped: pg_dump or pg_restore is not on the PATH', () => {
    const suite = usePipeline(`${prefix}-pg`, () => NOW)
    const restoredDatabase = `plaudit_restore_${randomBytes(6).toString('hex')}`
    let created = false

    beforeAll(() => seedHomeFeed(suite))
    afterAll(async () => {
      if (created) await onServer(`drop database if exists "${restoredDatabase}" with (force)`)
    })

    it('plaudit backup copies nothing and prints the pg_dump and pg_restore commands instead', () => {
      const file = join(suite.temp.dir, 'backups', 'plaudit.dump')
      const backup = run(['backup', file], suite.temp.url)
      expect(backup.status).toBe(1)
      expect(backup.stderr).toContain(`pg_dump --format=custom --file ${file} "$DATABASE_URL"`)
      expect(backup.stderr).toContain(`pg_restore --clean --if-exists --dbname "$DATABASE_URL" ${file}`)
      expect(existsSync(file)).toBe(false)
    })

    it('restores a pg_dump taken while the API runs into a new database, which serves the same feed bytes and ETag', async () => {
      const live = await fetch(`${suite.pipeline.api.url}/api/public/v1/collections/home`)
      const liveBody = await live.text()
      expect(live.status).toBe(200)

      // The test's data is its schema: dump that schema only, as a deployment dumps its database.
      const schema = /search_path=(\w+)/.exec(new URL(suite.temp.url).searchParams.get('options') ?? '')?.[1]
      expect(schema).toMatch(/^t_[0-9a-f]+$/)
      const dumpFile = join(suite.temp.dir, 'plaudit.dump')
      const dump = spawnSync('pg_dump', ['--format=custom', `--schema=${schema}`, '--file', dumpFile, TEST_POSTGRES_URL], { encoding: 'utf8' })
      expect(dump.status, dump.stderr).toBe(0)

      await onServer(`create database "${restoredDatabase}"`)
      created = true
      const restore = spawnSync('pg_restore', ['--dbname', databaseUrl(restoredDatabase), dumpFile], { encoding: 'utf8' })
      expect(restore.status, restore.stderr).toBe(0)

      const restoredDb = openDatabase(databaseUrl(restoredDatabase, schema))
      const api = await startApiServer({ db: restoredDb, redis: suite.pipeline.redis, prefix: `${prefix}-pg-restored`, logger: silentLogger, adminApiKey: undefined, themeIds: [], now: () => NOW, port: 0, host: '127.0.0.1' })
      try {
        expect(await restoredDb.get(sql`select count(*) as n from reviews`)).toEqual({ n: 1 })
        const restored = await fetch(`${api.url}/api/public/v1/collections/home`)
        expect(restored.status).toBe(200)
        expect(restored.headers.get('etag')).toBe(live.headers.get('etag'))
        expect(await restored.text()).toBe(liveBody)
      } finally {
        await api.close()
        await closeDatabase(restoredDb)
      }
    })
  })
})
