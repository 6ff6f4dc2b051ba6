import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chiropracticPack } from '../../src/domain/themes/default-pack.ts'
import { analyzeReviews, createAnalyzer } from '../../src/services/analyze-reviews.ts'
import { importReviews } from '../../src/services/import-reviews.ts'
import { writeReviewsCsv } from '../support/csv.ts'
import { createTempDatabase, databaseEnv, type TempDatabase } from '../support/temp-db.ts'

const BIN = resolve(import.meta.dirname, '../../bin/plaudit.js')
const NOW = new Date('2026-11-20T12:00:00Z')

describe('plaudit rollups rebuild and plaudit export', () => {
  let temp: TempDatabase
  const plaudit = (args: string[]) =>
    spawnSync(process.execPath, [BIN, ...args], {
      encoding: 'utf8',
      env: { ...process.env, ...databaseEnv(temp), REDIS_URL: 'redis://127.0.0.1:1', LOG_LEVEL: 'error' },
    })

  beforeAll(async () => {
    temp = await createTempDatabase()
    const analyzer = createAnalyzer(chiropracticPack)
    const file = writeReviewsCsv(temp.dir, 'cli.csv', [
      { id: 'k1', rating: 5, text: 'I never felt rushed.', createdAt: '2026-10-01T10:00:00Z' },
      { id: 'k2', rating: 1, author: '=cmd|" /C calc"!A0', text: 'I waited 45 minutes past my appointment.', createdAt: '2026-11-02T10:00:00Z' },
    ])
    await importReviews(temp.db, { file, locationId: 'clinic', analyzeBatchSize: 10, now: () => NOW, enqueueAnalysis: async (ids) => { await analyzeReviews(temp.db, analyzer, ids) } })
  })
  afterAll(() => temp.remove())

  it('rebuilds the rollups and reports that the incremental ones were already equal', () => {
    const run = plaudit(['rollups', 'rebuild'])
    expect(run.status, run.stderr).toBe(0)
    expect(JSON.parse(run.stdout)).toEqual({ reviewRows: 4, themeRows: 4, rowsThatDiffered: 0 })
  })

  it("writes the whole practice's data as one JSON document", () => {
    const out = join(temp.dir, 'export.json')
    const run = plaudit(['export', '--out', out])
    expect(run.status, run.stderr).toBe(0)
    expect(run.stderr).toContain('reviews 2')
    const doc = JSON.parse(readFileSync(out, 'utf8')) as { format: string; tables: Record<string, Array<Record<string, unknown>>> }
    expect(doc.format).toBe('plaudit-export')
    expect(doc.tables.locations!.map((l) => l.id)).toEqual(['clinic'])
    expect(doc.tables.reviews!.map((r) => r.text).sort()).toEqual(['I never felt rushed.', 'I waited 45 minutes past my appointment.'])
    expect(doc.tables.review_revisions).toHaveLength(2)
    expect(doc.tables.mentions!.map((m) => m.theme).sort()).toEqual(['never-rushed', 'wait-time'])
    expect(doc.tables.import_runs).toHaveLength(1)
    expect(Object.keys(doc.tables)).not.toContain('rollup_theme_counts')

    const toStdout = plaudit(['export'])
    expect(JSON.parse(toStdout.stdout).tables.reviews).toHaveLength(2)
  })
})
