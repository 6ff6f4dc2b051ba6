// Curation search on N synthetic reviews (tagged, so theme filters have rows): p50/p95 of the
// workspace's search query over a fixed mix of filters, each query run many times.
import { join } from 'node:path'
import { migrateDatabase, openDatabase, closeDatabase } from '../src/db/database.ts'
import { searchForCuration, type CurationSearchParams } from '../src/db/stores/curation-search.ts'
import { chiropracticPack } from '../src/domain/themes/default-pack.ts'
import { analyzeReviews, createAnalyzer } from '../src/services/analyze-reviews.ts'
import { importReviews } from '../src/services/import-reviews.ts'
import { writeSyntheticCsv } from './synthetic.ts'

const QUERIES: Array<Omit<CurationSearchParams, 'includeHidden' | 'limit'>> = [
  { words: 'rushed' },
  { words: 'never rushed' },
  { words: 'posture monitor' },
  { words: 'headaches' },
  { words: 'xylophone' },
  { theme: 'never-rushed', polarity: 'positive' },
  { theme: 'wait-time', polarity: 'negative' },
  { words: 'rushed', stars: [1, 2] },
  { words: 'stretches', from: '2023-01-01T00:00:00.000Z', to: '2023-07-01T00:00:00.000Z' },
  { theme: 'posture', stars: [5], source: 'import' },
  { from: '2024-06-01T00:00:00.000Z', to: '2024-07-01T00:00:00.000Z' },
  { words: 'rushed', stars: [3], from: '2022-01-01T00:00:00.000Z', to: '2022-03-01T00:00:00.000Z' },
  { words: 'insurance billing', theme: 'cost', polarity: 'negative' },
  { theme: 'gentle', polarity: 'negative' },
  {},
]

export async function measureCurationSearch(dir: string, count: number, seed: number) {
  const db = openDatabase(join(dir, 'search.db'))
  await migrateDatabase(db)
  const csv = join(dir, 'search.csv')
  await writeSyntheticCsv(csv, { count, seed })
  const analyzer = createAnalyzer(chiropracticPack)
  const batches: string[][] = []
  await importReviews(db, { file: csv, locationId: 'bench', analyzeBatchSize: 500, now: () => new Date('2026-01-01T00:00:00Z'), enqueueAnalysis: async (ids) => void batches.push(ids) })
  for (const ids of batches) await analyzeReviews(db, analyzer, ids)
  db.sqlite?.pragma('optimize')

  for (const q of QUERIES) await searchForCuration(db, { ...q, includeHidden: true, limit: 50 })
  const timings: number[] = []
  for (let round = 0; round < 25; round++) {
    for (const q of QUERIES) {
      const started = performance.now()
      await searchForCuration(db, { ...q, includeHidden: round % 2 === 0, limit: 50 })
      timings.push(performance.now() - started)
    }
  }
  await closeDatabase(db)
  timings.sort((a, b) => a - b)
  const at = (p: number) => timings[Math.min(timings.length - 1, Math.floor(p * timings.length))]!
  return { curationSearchP50Ms: at(0.5), curationSearchP95Ms: at(0.95), curationSearchReviews: count }
}
