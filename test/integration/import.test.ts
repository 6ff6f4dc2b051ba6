import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { getImportReport } from '../../src/db/stores/imports.ts'
import { getLocation } from '../../src/db/stores/locations.ts'
import { ReviewStore } from '../../src/db/stores/reviews.ts'
import { reviewIdFor } from '../../src/db/ids.ts'
import { importReviews } from '../../src/services/import-reviews.ts'
import { createTempDatabase, type TempDatabase } from '../support/temp-db.ts'
import { writeReviewsCsv } from '../support/csv.ts'

const NOW = new Date('2026-11-20T12:00:00Z')

describe('importing a review file', () => {
  let temp: TempDatabase
  let queued: string[][]

  const runImport = (file: string) =>
    importReviews(temp.db, { file, locationId: 'loc-1', analyzeBatchSize: 2, now: () => NOW, enqueueAnalysis: async (ids) => void queued.push(ids) })

  beforeEach(async () => {
    temp = await createTempDatabase()
    queued = []
  })
  afterEach(() => temp.remove())

  it('rejects each bad row with its line, field and value, and imports the good ones', async () => {
    const file = writeReviewsCsv(temp.dir, 'mixed.csv', [
      { id: 'a1', rating: 5, text: 'Never rushed, lovely.' },
      { id: 'a2', rating: 6, text: 'Six stars!' },
      { id: 'a3', rating: 4, text: 'Good\nbut, "multi-line"' },
      { id: '', rating: 3, text: 'No id here' },
      { id: 'a5', rating: 2, text: 'Bad date', createdAt: 'yesterday' },
      { id: 'a6', rating: 1, text: '' },
    ])
    const result = await runImport(file)

    expect(result).toMatchObject({ rowsRead: 6, rowsInserted: 3, rowsRejected: 3 })
    expect(result.rejections.map(({ line, field, value }) => ({ line, field, value }))).toEqual([
      { line: 3, field: 'rating', value: '6' },
      { line: 6, field: 'id', value: '' },
      { line: 7, field: 'created_at', value: 'yesterday' },
    ])
    expect(result.rejections[0]!.message).toContain('rating must be a whole number 1..5')
    const report = (await getImportReport(temp.db, result.importId))!
    expect(report.status).toBe('finished')
    expect(report.rejections).toHaveLength(3)
    expect(queued.flat().sort()).toEqual(['a1', 'a3', 'a6'].map((id) => reviewIdFor('loc-1', 'import', id)).sort())
    expect(queued.every((batch) => batch.length <= 2)).toBe(true)
    expect((await new ReviewStore(temp.db).get(reviewIdFor('loc-1', 'import', 'a3')))!.text).toBe('Good\nbut, "multi-line"')
  })

  it('changes nothing when the same file is imported twice', async () => {
    const file = writeReviewsCsv(temp.dir, 'same.csv', [
      { id: 'b1', rating: 5, text: 'Great posture advice.' },
      { id: 'b2', rating: 3, text: 'Okay visit.' },
    ])
    await runImport(file)
    const before = await temp.db.all(sql`select * from reviews order by id`)
    queued = []
    const second = await runImport(file)

    expect(second).toMatchObject({ rowsInserted: 0, rowsRevised: 0, rowsUnchanged: 2 })
    expect(queued).toEqual([])
    expect(await temp.db.all(sql`select * from reviews order by id`)).toEqual(before)
    expect(await temp.db.get(sql`select count(*) as n from review_revisions`)).toEqual({ n: 2 })
  })

  it('records a new revision when a known review changes its text or rating', async () => {
    await runImport(writeReviewsCsv(temp.dir, 'v1.csv', [{ id: 'c1', rating: 5, text: 'She never rushed me.' }]))
    queued = []
    const result = await runImport(writeReviewsCsv(temp.dir, 'v2.csv', [{ id: 'c1', rating: 2, text: 'She rushed me this time.' }]))

    expect(result).toMatchObject({ rowsRevised: 1, rowsInserted: 0 })
    const review = (await new ReviewStore(temp.db).get(reviewIdFor('loc-1', 'import', 'c1')))!
    expect(review).toMatchObject({ revision: 2, rating: 2, text: 'She rushed me this time.' })
    expect(await temp.db.all(sql`select revision, rating, text from review_revisions order by revision`)).toEqual([
      { revision: 1, rating: 5, text: 'She never rushed me.' },
      { revision: 2, rating: 2, text: 'She rushed me this time.' },
    ])
    expect(queued.flat()).toEqual([review.id])
  })

  it('imports JSON arrays and JSON Lines, naming the item or line of a bad record', async () => {
    const jsonFile = join(temp.dir, 'reviews.json')
    writeFileSync(jsonFile, JSON.stringify([
      { id: 'j1', source: 'google', author: 'Ana P', rating: 5, text: 'Clear explanation.', created_at: '2025-01-02T00:00:00Z', url: null },
      { id: 'j2', source: 'google', author: 'Bo', rating: 'five', text: 'x', created_at: '2025-01-02', url: '' },
    ]))
    const jsonl = join(temp.dir, 'reviews.jsonl')
    writeFileSync(jsonl, '{"id":"l1","rating":4,"text":"ok","created_at":"2025-02-03"}\n{not json}\n')

    const fromJson = await runImport(jsonFile)
    const fromLines = await runImport(jsonl)

    expect(fromJson).toMatchObject({ rowsInserted: 1, rowsRejected: 1 })
    expect(fromJson.rejections[0]).toMatchObject({ line: 2, field: 'rating', value: 'five' })
    expect(fromJson.rejections[0]!.message).toContain('item 2')
    expect(fromLines).toMatchObject({ rowsInserted: 1, rowsRejected: 1 })
    expect(fromLines.rejections[0]).toMatchObject({ line: 2, field: 'row' })
  })

  it('keeps the aggregate of imported reviews over all of them, not a selection', async () => {
    await runImport(writeReviewsCsv(temp.dir, 'agg.csv', [
      { id: 'd1', rating: 5, text: 'a' },
      { id: 'd2', rating: 1, text: 'b' },
      { id: 'd3', rating: 3, text: '' },
    ]))
    expect((await getLocation(temp.db, 'loc-1'))!.aggregate).toMatchObject({ source: 'import', rating: 3, count: 3 })
  })

  it('fails the import with a clear message when the header lacks a column, keeping the run on record', async () => {
    const file = join(temp.dir, 'bad-header.csv')
    writeFileSync(file, 'id,rating,text\n1,5,hello\n')
    await expect(runImport(file)).rejects.toThrow('header (line 1) lacks column "source"')
    const run = (await temp.db.get<{ status: string; error: string }>(sql`select status, error from import_runs`))!
    expect(run.status).toBe('failed')
  })
})
