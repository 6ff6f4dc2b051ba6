import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { reviewIdFor } from '../../src/db/ids.ts'
import { ReviewStore } from '../../src/db/stores/reviews.ts'
import { importReviews } from '../../src/services/import-reviews.ts'
import { IMPORT_HEADER } from '../support/csv.ts'
import { createTempDatabase, type TempDatabase } from '../support/temp-db.ts'

/**
 * Issue 13: any valid review text goes through the real import (file reader, row parser, review
 * store) into the real database and comes back byte for byte, from CSV and from JSON Lines.
 */
const NOW = new Date('2026-11-20T12:00:00Z')
const LONE_SURROGATE = /\p{Surrogate}/u

/** Texts a patient could have written: any Unicode scalar value (emoji, RTL, controls) but NUL, which the import refuses. */
const reviewText = fc
  .oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: 'grapheme-composite', maxLength: 100 }), fc.constantFrom('', ' ', '\r\n', '"', '""', ',', '\u2028\u2029', '\uFEFFbom', 'a\rb', '=cmd|calc'))
  .filter((text) => !LONE_SURROGATE.test(text) && !text.includes('\u0000'))

const csvCell = (value: string) => `"${value.replaceAll('"', '""')}"`

describe('an imported text round-trips byte for byte', () => {
  let temp: TempDatabase
  let run = 0
  beforeAll(async () => {
    temp = await createTempDatabase()
  })
  afterAll(async () => {
    await temp.remove()
  })

  const importAndReadBack = async (format: 'csv' | 'jsonl', texts: string[]) => {
    run++
    const location = `prop-${format}-${run}`
    const file = join(temp.dir, `${location}.${format}`)
    const rows = texts.map((text, i) => ({ id: `t${i}`, source: 'import', author: 'Pat Doe', rating: '5', text, created_at: '2025-05-01T10:00:00Z', url: '' }))
    writeFileSync(
      file,
      format === 'csv'
        ? [IMPORT_HEADER, ...rows.map((r) => [r.id, r.source, r.author, r.rating, csvCell(r.text), r.created_at, r.url].join(','))].join('\n') + '\n'
        : rows.map((r) => JSON.stringify(r)).join('\n') + '\n',
    )
    const result = await importReviews(temp.db, { file, locationId: location, analyzeBatchSize: 100, now: () => NOW, enqueueAnalysis: async () => undefined })
    expect(result.rejections).toEqual([])
    expect(result.rowsInserted).toBe(texts.length)
    const store = new ReviewStore(temp.db)
    for (const [i, text] of texts.entries()) {
      const stored = (await store.get(reviewIdFor(location, 'import', `t${i}`)))!.text
      expect(Buffer.from(stored, 'utf8').equals(Buffer.from(text, 'utf8'))).toBe(true)
      expect(stored).toBe(text)
    }
  }

  it('from a CSV file', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(reviewText, { minLength: 1, maxLength: 25 }), (texts) => importAndReadBack('csv', texts)),
      { numRuns: 40 },
    )
  })

  it('from a JSON Lines file', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(reviewText, { minLength: 1, maxLength: 25 }), (texts) => importAndReadBack('jsonl', texts)),
      { numRuns: 40 },
    )
  })
})
