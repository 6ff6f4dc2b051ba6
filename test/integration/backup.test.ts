import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer } from '../../src/api/server.ts'
import { closeDatabase, openDatabase } from '../../src/db/database.ts'
import { reviewIdFor } from '../../src/db/ids.ts'
import { createTestimonialFromReview, replaceCollection } from '../../src/services/curation.ts'
import { publishFeed } from '../../src/services/feed-publisher.ts'
import { writeReviewsCsv } from '../support/csv.ts'
import { silentLogger, startPipeline, type Pipeline } from '../support/pipeline.ts'
import { removeKeys, uniquePrefix } from '../support/redis.ts'
import { createTempDatabase, type TempDatabase } from '../support/temp-db.ts'

const NOW = new Date('2026-11-20T12:00:00Z')
const prefix = uniquePrefix('backup')
const BIN = resolve(import.meta.dirname, '../../bin/plaudit.js')

describe('backup and restore', () => {
  let temp: TempDatabase
  let pipeline: Pipeline

  beforeAll(async () => {
    temp = createTempDatabase()
    pipeline = await startPipeline(temp.db, prefix, () => NOW)
    await pipeline.importAndAnalyze(writeReviewsCsv(temp.dir, 'r.csv', [{ id: 'k1', rating: 5, text: 'I never felt rushed. Great posture tips.' }]), 'clinic')
    const t = createTestimonialFromReview(temp.db, { reviewId: reviewIdFor('import', 'k1'), start: 0, end: 20, publish: true }, 'test', NOW)
    replaceCollection(temp.db, { slug: 'home', title: 'Home', testimonialIds: [t.id] }, 'test', NOW)
    pipeline.api.feeds.put(publishFeed(temp.db, 'home', NOW)!)
  })
  afterAll(async () => {
    await pipeline.close()
    temp.remove()
    await removeKeys(prefix)
  })

  const run = (args: string[], databaseFile: string) =>
    spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, PLAUDIT_DATABASE_FILE: databaseFile, LOG_LEVEL: 'error' } })

  it('restores a copy taken while the API runs, which serves the same feed bytes and ETag', async () => {
    const live = await fetch(`${pipeline.api.url}/api/public/v1/collections/home`)
    const liveBody = await live.text()

    const backupFile = join(temp.dir, 'backups', 'plaudit-backup.db')
    const backup = run(['backup', backupFile], temp.file)
    expect(backup.status, backup.stderr).toBe(0)

    const restoredFile = join(temp.dir, 'restored', 'plaudit.db')
    const restore = run(['restore', backupFile], restoredFile)
    expect(restore.status, restore.stderr).toBe(0)
    expect(restore.stdout).toContain('1 reviews')

    const restoredDb = openDatabase(restoredFile)
    const api = await startApiServer({ db: restoredDb, redis: pipeline.redis, prefix: `${prefix}-restored`, logger: silentLogger, adminApiKey: undefined, themeIds: [], now: () => NOW, port: 0, host: '127.0.0.1' })
    try {
      const restored = await fetch(`${api.url}/api/public/v1/collections/home`)
      expect(restored.headers.get('etag')).toBe(live.headers.get('etag'))
      expect(await restored.text()).toBe(liveBody)
    } finally {
      await api.close()
      closeDatabase(restoredDb)
    }
  })

  it('refuses to restore a file that is not a Plaudit database, leaving the current one alone', () => {
    const notADatabase = join(temp.dir, 'notes.txt')
    writeFileSync(notADatabase, 'hello')
    const restore = run(['restore', notADatabase], temp.file)
    expect(restore.status).toBe(1)
    expect(restore.stderr).toMatch(/not a (SQLite|Plaudit) database/)
    expect(temp.db.$client.prepare('select count(*) as n from reviews').get()).toEqual({ n: 1 })
  })
})
