import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { ADMIN_KEY, usePipeline } from '../support/pipeline.ts'
import { uniquePrefix } from '../support/redis.ts'

const SAMPLE = resolve(import.meta.dirname, '../../samples/clinic-reviews.csv')
const prefix = uniquePrefix('hostile')

interface SampleRow {
  id: string
  author: string
  rating: string
  text: string
}

describe('hostile reviews in the sample data', () => {
  const suite = usePipeline(prefix, () => new Date('2026-11-20T12:00:00Z'))
  const rows = parse(readFileSync(SAMPLE), { columns: true, bom: true }) as SampleRow[]


  it('come back from the API byte-for-byte as JSON strings, and nothing else is lost', async () => {
    const hostile = rows.filter((r) => r.id.startsWith('h'))
    expect(hostile.length).toBeGreaterThanOrEqual(5)

    const result = await suite.pipeline.importAndAnalyze(SAMPLE, 'clinic')
    expect(result).toMatchObject({ rowsRead: rows.length, rowsInserted: rows.length, rowsRejected: 0 })

    const served = new Map<string, { text: string; author: string | null; rating: number }>()
    let cursor: string | null = null
    do {
      const response = await fetch(`${suite.pipeline.api.url}/api/v1/locations/clinic/reviews?limit=100${cursor ? `&cursor=${cursor}` : ''}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })
      expect(response.headers.get('content-type')).toContain('application/json')
      const page = (await response.json()) as { reviews: Array<{ externalId: string; text: string; author: string | null; rating: number }>; nextCursor: string | null }
      for (const review of page.reviews) served.set(review.externalId, review)
      cursor = page.nextCursor
    } while (cursor)

    expect(served.size).toBe(rows.length)
    for (const row of hostile) {
      const review = served.get(row.id)!
      expect(Buffer.from(review.text, 'utf8').equals(Buffer.from(row.text, 'utf8')), row.id).toBe(true)
      expect(review.author ?? '').toBe(row.author.trim())
    }
    for (const row of rows) expect(served.get(row.id)?.text, row.id).toBe(row.text)
  })
})
