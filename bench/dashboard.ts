// The dashboard's reads over 1M reviews and 5 years (DESIGN.md target: theme trend p95 ≤ 50 ms).
//
// The rollup rows are seeded directly from 1M simulated reviews (seeded: day, stars, themes and
// polarities) rather than by running 1M reviews through import and the tagger, which would take
// minutes and measure the tagger again. The dashboard's figures read only the rollup tables, and
// the seeded tables have exactly the rows 1M analysed reviews over those days would leave.
import { performance } from 'node:perf_hooks'
import { closeDatabase, migrateDatabase, openDatabase } from '../src/db/database.ts'
import { monthlyThemeCounts, monthlyVolume, ratingCounts, themeCounts } from '../src/db/stores/dashboard.ts'
import { monthsBetween, resolvePeriods } from '../src/domain/dashboard.ts'
import { chiropracticPack } from '../src/domain/themes/default-pack.ts'
import { seededRandom } from './synthetic.ts'

const LOCATION = 'bench'
const END = new Date('2026-11-25T12:00:00Z')
const YEARS = 5

async function seedRollups(dbFile: string, reviews: number, seed: number): Promise<{ reviewRows: number; themeRows: number }> {
  const random = seededRandom(seed)
  const themes = chiropracticPack.themes.map((t) => t.id)
  const days = YEARS * 365
  const start = END.getTime() - days * 86_400_000
  const reviewCounts = new Map<string, number>()
  const themeCounts = new Map<string, number>()
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1)
  for (let i = 0; i < reviews; i++) {
    const day = new Date(start + Math.floor(random() * days) * 86_400_000).toISOString().slice(0, 10)
    const month = day.slice(0, 7)
    const rating = random() < 0.7 ? 5 : random() < 0.5 ? 4 : Math.ceil(random() * 3)
    bump(reviewCounts, `day|${day}|${rating}`)
    bump(reviewCounts, `month|${month}|${rating}`)
    for (const theme of themes) {
      if (random() >= 0.18) continue
      const r = random()
      const polarity = r < 0.7 ? 'positive' : r < 0.92 ? 'negative' : 'mixed'
      bump(themeCounts, `day|${day}|${theme}|${polarity}`)
      bump(themeCounts, `month|${month}|${theme}|${polarity}`)
    }
  }
  const db = openDatabase(dbFile)
  await migrateDatabase(db)
  // The seeding writes straight to the SQLite file the bench measures (tens of thousands of rows).
  const sqlite = db.sqlite
  if (!sqlite) throw new Error('bench/dashboard.ts seeds a SQLite file')
  const insertReviews = sqlite.prepare('insert into rollup_review_counts (location_id, grain, period, rating, reviews) values (?, ?, ?, ?, ?)')
  const insertThemes = sqlite.prepare('insert into rollup_theme_counts (location_id, grain, period, theme, polarity, reviews) values (?, ?, ?, ?, ?, ?)')
  sqlite.transaction(() => {
    for (const [key, n] of reviewCounts) {
      const [grain, period, rating] = key.split('|') as [string, string, string]
      insertReviews.run(LOCATION, grain, period, Number(rating), n)
    }
    for (const [key, n] of themeCounts) {
      const [grain, period, theme, polarity] = key.split('|') as [string, string, string, string]
      insertThemes.run(LOCATION, grain, period, theme, polarity, n)
    }
    sqlite.prepare('insert into locations (id, name) values (?, ?)').run(LOCATION, 'Bench clinic')
  })()
  await closeDatabase(db)
  return { reviewRows: reviewCounts.size, themeRows: themeCounts.size }
}

async function p95(run: () => Promise<void>, iterations: number): Promise<number> {
  for (let i = 0; i < 20; i++) await run()
  const times: number[] = []
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now()
    await run()
    times.push(performance.now() - t0)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(iterations * 0.95)]!
}

export async function measureDashboard(dbFile: string, options: { reviews: number; seed: number }) {
  const t0 = performance.now()
  const rows = await seedRollups(dbFile, options.reviews, options.seed)
  const seedSeconds = (performance.now() - t0) / 1000
  const db = openDatabase(dbFile)
  try {
    const lastMonth = END.toISOString().slice(0, 7)
    const firstMonth = monthsBetween('2021-11', lastMonth)[0]!
    // The 5-year theme trend: every month, every theme, every polarity, and the monthly volume.
    const trendP95Ms = await p95(async () => {
      await monthlyVolume(db, LOCATION, firstMonth, lastMonth)
      await monthlyThemeCounts(db, LOCATION, firstMonth, lastMonth)
    }, 200)
    // A year against the year before, from the daily rollups (what the period comparison reads).
    const periods = resolvePeriods({ preset: '365' }, END)
    const periodP95Ms = await p95(async () => {
      await ratingCounts(db, LOCATION, periods.current)
      await ratingCounts(db, LOCATION, periods.previous)
      await themeCounts(db, LOCATION, periods.current)
      await themeCounts(db, LOCATION, periods.previous)
    }, 200)
    return { ...rows, seedSeconds, trendP95Ms, periodP95Ms }
  } finally {
    await closeDatabase(db)
  }
}
