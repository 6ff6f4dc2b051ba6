import { sql } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { chiropracticPack } from '../../src/domain/themes/default-pack.ts'
import { reviewIdFor } from '../../src/db/ids.ts'
import { ReviewStore } from '../../src/db/stores/reviews.ts'
import { snapshotRollups } from '../../src/db/stores/rollups.ts'
import { analyzeReviews, createAnalyzer } from '../../src/services/analyze-reviews.ts'
import { importReviews } from '../../src/services/import-reviews.ts'
import { rebuildDashboardRollups } from '../../src/services/rollups.ts'
import { writeReviewsCsv, type CsvReview } from '../support/csv.ts'
import { createTempDatabase, type TempDatabase } from '../support/temp-db.ts'

/** mulberry32: a small seeded generator, so a failure can be replayed with the same seed. */
function seeded(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]! }
}

const PHRASES = [
  'I never felt rushed, he took his time.',
  'Felt rushed and ignored, in and out in five minutes.',
  'Great advice on my desk posture.',
  'I waited 45 minutes past my appointment.',
  'Always on time, no wait at all.',
  'The front desk staff were lovely.',
  'The receptionist was rude.',
  'Way too expensive and they kept upselling.',
  'Easy to book online.',
  'My neck pain is finally gone.',
  'The weather was nice.',
  '',
]

const NOW = new Date('2026-11-20T12:00:00Z')
const LOCATIONS = ['clinic', 'annex']
const analyzer = createAnalyzer(chiropracticPack)

describe('dashboard rollups', () => {
  let temp: TempDatabase
  beforeEach(async () => {
    temp = await createTempDatabase()
  })
  afterEach(() => temp.remove())

  for (const seed of [1, 7, 42]) {
    it(`equal a full rebuild after random imports, edits, re-analyses and removals (seed ${seed})`, async () => {
      const random = seeded(seed)
      const store = new ReviewStore(temp.db)
      const known: Array<{ id: string; location: string; createdAt: string }> = []
      const text = () => [random.pick(PHRASES), random.pick(PHRASES)].join(' ').trim()

      for (let round = 0; round < 12; round++) {
        for (const location of LOCATIONS) {
          const rows: CsvReview[] = []
          // New reviews over two years, several on the same day and month.
          for (let i = random.int(25); i > 0; i--) {
            const externalId = `${location}-${round}-${i}`
            const createdAt = new Date(Date.UTC(2025, random.int(24), 1 + random.int(28), random.int(24))).toISOString()
            rows.push({ id: externalId, rating: 1 + random.int(5), text: text(), createdAt })
            known.push({ id: externalId, location, createdAt })
          }
          // Edits (text and/or rating) of known reviews, some of them removed earlier (they come back).
          for (const old of known.filter((k) => k.location === location && random.next() < 0.15)) {
            rows.push({ id: old.id, rating: 1 + random.int(5), text: random.next() < 0.5 ? text() : 'Edited: the receptionist was rude.', createdAt: old.createdAt })
          }
          const changed: string[] = []
          await importReviews(temp.db, {
            file: writeReviewsCsv(temp.dir, `r${round}-${location}.csv`, rows),
            locationId: location,
            analyzeBatchSize: 50,
            now: () => NOW,
            enqueueAnalysis: async (ids) => void changed.push(...ids),
          })
          // Most changes are analysed at once; some wait (their old themes still count), some twice.
          const analyzeNow = changed.filter(() => random.next() < 0.8)
          await analyzeReviews(temp.db, analyzer, analyzeNow)
          if (analyzeNow.length > 0 && random.next() < 0.3) await analyzeReviews(temp.db, analyzer, analyzeNow.slice(0, 5))
        }
        // Removals, as a full sync would find them; removing twice changes nothing more.
        const gone = known.filter(() => random.next() < 0.05).map((k) => reviewIdFor(k.location, 'import', k.id))
        await store.markRemoved(gone, NOW)
        await store.markRemoved(gone.slice(0, 2), NOW)
      }

      const incremental = await snapshotRollups(temp.db)
      expect(incremental.reviews.length).toBeGreaterThan(100)
      expect(incremental.themes.length).toBeGreaterThan(100)
      const report = await rebuildDashboardRollups(temp.db)
      expect(report.rowsThatDiffered).toBe(0)
      expect(await snapshotRollups(temp.db)).toEqual(incremental)
    })
  }

  it('counts a review once per day and month, moves it when re-rated, and drops it when removed', async () => {
    const file = writeReviewsCsv(temp.dir, 'one.csv', [{ id: 'x1', rating: 2, text: 'I waited 45 minutes past my appointment.', createdAt: '2026-03-04T10:00:00Z' }])
    const ids: string[] = []
    await importReviews(temp.db, { file, locationId: 'clinic', analyzeBatchSize: 10, now: () => NOW, enqueueAnalysis: async (batch) => void ids.push(...batch) })
    await analyzeReviews(temp.db, analyzer, ids)
    expect(await snapshotRollups(temp.db)).toEqual({
      reviews: ['clinic|day|2026-03-04|2=1', 'clinic|month|2026-03|2=1'],
      themes: ['clinic|day|2026-03-04|wait-time|negative=1', 'clinic|month|2026-03|wait-time|negative=1'],
    })

    const edited = writeReviewsCsv(temp.dir, 'two.csv', [{ id: 'x1', rating: 4, text: 'I waited 45 minutes past my appointment.', createdAt: '2026-03-04T10:00:00Z' }])
    await importReviews(temp.db, { file: edited, locationId: 'clinic', analyzeBatchSize: 10, now: () => NOW, enqueueAnalysis: async () => undefined })
    expect((await snapshotRollups(temp.db)).reviews).toEqual(['clinic|day|2026-03-04|4=1', 'clinic|month|2026-03|4=1'])

    await new ReviewStore(temp.db).markRemoved([reviewIdFor('clinic', 'import', 'x1')], NOW)
    expect(await snapshotRollups(temp.db)).toEqual({ reviews: [], themes: [] })
  })

  it('reports and repairs rollups that drifted from the reviews', async () => {
    const file = writeReviewsCsv(temp.dir, 'three.csv', [{ id: 'y1', rating: 5, text: 'Great advice on my desk posture.', createdAt: '2026-05-06T10:00:00Z' }])
    await importReviews(temp.db, { file, locationId: 'clinic', analyzeBatchSize: 10, now: () => NOW, enqueueAnalysis: async (ids) => { await analyzeReviews(temp.db, analyzer, ids) } })
    const good = await snapshotRollups(temp.db)
    await temp.db.run(sql`update rollup_review_counts set reviews = 9 where grain = 'month'`)

    expect((await rebuildDashboardRollups(temp.db)).rowsThatDiffered).toBe(2)
    expect(await snapshotRollups(temp.db)).toEqual(good)
  })
})
