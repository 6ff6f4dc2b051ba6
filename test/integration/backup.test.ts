import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { sql } from 'drizzle-orm'
import { beforeAll, describe, expect, it } from 'vitest'
import { startApiServer } from '../../src/api/server.ts'
import { closeDatabase, openDatabase } from '../../src/db/database.ts'
import { reviewIdFor } from '../../src/db/ids.ts'
import { createTestimonialFromReview, replaceCollection } from '../../src/services/curation.ts'
import { publishFeed } from '../../src/services/feed-publisher.ts'
import { writeReviewsCsv } from '../support/csv.ts'
import { silentLogger, usePipeline } from '../support/pipeline.ts'
import { uniquePrefix } from '../support/redis.ts'
import { databaseEnv, onPostgres } from '../support/temp-db.ts'

const NOW = new Date('2026-11-20T12:00:00Z')
const prefix = uniquePrefix('backup')
const BIN = resolve(import.meta.dirname, '../../bin/plaudit.js')

// SQLite only: `plaudit backup` and `restore` copy the SQLite file (online backup API); a PostgreSQL is backed up with its own tools.
describe.skipIf(onPostgres)('backup and restore', () => {
  const suite = usePipeline(prefix, () => NOW)

  beforeAll(async () => {
    await suite.pipeline.importAndAnalyze(writeReviewsCsv(suite.temp.dir, 'r.csv', [{ id: 'k1', rating: 5, text: 'I never felt rushed. Great posture tips.' }]), 'clinic')
    const t = await createTestimonialFromReview(suite.temp.db, { reviewId: reviewIdFor('import', 'k1'), start: 0, end: 20, publish: true }, 'test', NOW)
    await replaceCollection(suite.temp.db, { slug: 'home', title: 'Home', testimonialIds: [t.id] }, 'test', NOW)
    suite.pipeline.api.feeds.put((await publishFeed(suite.temp.db, 'home', NOW))!)
  })

  const run = (args: string[], databaseFile: string) =>
    spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...databaseEnv({ url: databaseFile }), LOG_LEVEL: 'error' } })

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
