import { REPLY_SOURCES } from '../../domain/review.ts'
import { emptyCounts, splitByMonths, type DayRange, type PolarityCounts, type SourceState } from '../../domain/dashboard.ts'
import type { Polarity } from '../../domain/review.ts'
import type { Db } from '../database.ts'

/**
 * The dashboard's reads. Figures come from the rollup tables (a few thousand rows for years of
 * reviews), never from GROUP BY over reviews or mentions; only the lists behind a figure and the
 * reply figures read reviews, through the location's indexes.
 */

export type RatingCounts = Record<'1' | '2' | '3' | '4' | '5', number>

/** The (grain, from, to) pieces that cover a day range: whole months, then the days at the ends. */
function pieces(range: DayRange): Array<[grain: 'day' | 'month', from: string, to: string]> {
  const split = splitByMonths(range)
  return [...(split.months ? [['month', split.months.from, split.months.to] as ['month', string, string]] : []), ...split.days.map((d) => ['day', d.from, d.to] as ['day', string, string])]
}

export function ratingCounts(db: Db, locationId: string, range: DayRange): RatingCounts {
  const statement = db.$client.prepare(
    `select rating, sum(reviews) as n from rollup_review_counts
     where location_id = ? and grain = ? and period between ? and ? group by rating`,
  )
  const counts: RatingCounts = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 }
  for (const [grain, from, to] of pieces(range)) {
    for (const row of statement.all(locationId, grain, from, to) as Array<{ rating: number; n: number }>) counts[String(row.rating) as keyof RatingCounts] += row.n
  }
  return counts
}

export function themeCounts(db: Db, locationId: string, range: DayRange): Record<string, PolarityCounts> {
  const statement = db.$client.prepare(
    `select theme, polarity, sum(reviews) as n from rollup_theme_counts
     where location_id = ? and grain = ? and period between ? and ? group by theme, polarity`,
  )
  const counts: Record<string, PolarityCounts> = {}
  for (const [grain, from, to] of pieces(range)) {
    for (const row of statement.all(locationId, grain, from, to) as Array<{ theme: string; polarity: Polarity; n: number }>) (counts[row.theme] ??= emptyCounts())[row.polarity] += row.n
  }
  return counts
}

export function monthlyVolume(db: Db, locationId: string, fromMonth: string, toMonth: string): Record<string, number> {
  const rows = db.$client
    .prepare(
      `select period, sum(reviews) as n from rollup_review_counts
       where location_id = ? and grain = 'month' and period between ? and ? group by period`,
    )
    .all(locationId, fromMonth, toMonth) as Array<{ period: string; n: number }>
  return Object.fromEntries(rows.map((r) => [r.period, r.n]))
}

/** month → theme → polarity counts: the theme trend. */
export function monthlyThemeCounts(db: Db, locationId: string, fromMonth: string, toMonth: string): Record<string, Record<string, PolarityCounts>> {
  const rows = db.$client
    .prepare(
      `select period, theme, polarity, reviews from rollup_theme_counts
       where location_id = ? and grain = 'month' and period between ? and ?`,
    )
    .all(locationId, fromMonth, toMonth) as Array<{ period: string; theme: string; polarity: Polarity; reviews: number }>
  const byMonth: Record<string, Record<string, PolarityCounts>> = {}
  for (const row of rows) ((byMonth[row.period] ??= {})[row.theme] ??= emptyCounts())[row.polarity] = row.reviews
  return byMonth
}

export interface Evidence {
  theme: string
  polarity: Polarity
  start: number
  end: number
}

export interface ReviewBehindFigure extends UnrepliedReview {
  replyTime: string | null
  themes: Record<string, Polarity>
  evidence: Evidence[]
}

export interface FigureFilter {
  locationId: string
  range: DayRange
  theme?: string
  polarity?: Polarity
  rating?: number
  limit: number
}

/** The reviews counted in one figure (same filters as the rollups: active, createTime day in range), newest first. */
export function reviewsBehindFigure(db: Db, filter: FigureFilter): { total: number; reviews: ReviewBehindFigure[] } {
  // '~' sorts after 'T': every createTime on the last day ('2026-11-25T…') is below '2026-11-25~'.
  const where = [`r.location_id = ?`, `r.status = 'active'`, `r.created_at >= ? and r.created_at < ?`]
  const args: Array<string | number> = [filter.locationId, filter.range.from, `${filter.range.to}~`]
  if (filter.rating !== undefined) {
    where.push('r.rating = ?')
    args.push(filter.rating)
  }
  if (filter.theme) {
    where.push(`exists (select 1 from review_themes t where t.review_id = r.id and t.theme = ?${filter.polarity ? ' and t.polarity = ?' : ''})`)
    args.push(filter.theme)
    if (filter.polarity) args.push(filter.polarity)
  }
  const sqlite = db.$client
  const total = (sqlite.prepare(`select count(*) as n from reviews r where ${where.join(' and ')}`).get(...args) as { n: number }).n
  const rows = sqlite
    .prepare(
      `select r.id, r.source, r.author, r.rating, r.text, r.url, r.created_at as createdAt, r.reply_time as replyTime
       from reviews r where ${where.join(' and ')} order by r.created_at desc, r.id desc limit ?`,
    )
    .all(...args, filter.limit) as Array<Omit<ReviewBehindFigure, 'themes' | 'evidence'>>
  if (rows.length === 0) return { total, reviews: [] }
  const ids = rows.map((r) => r.id)
  const marks = ids.map(() => '?').join(',')
  const themes = sqlite.prepare(`select review_id as reviewId, theme, polarity from review_themes where review_id in (${marks})`).all(...ids) as Array<{
    reviewId: string
    theme: string
    polarity: Polarity
  }>
  const mentions = sqlite
    .prepare(`select review_id as reviewId, theme, polarity, start, "end" from mentions where review_id in (${marks}) order by start, theme`)
    .all(...ids) as Array<Evidence & { reviewId: string }>
  return {
    total,
    reviews: rows.map((row) => ({
      ...row,
      themes: Object.fromEntries(themes.filter((t) => t.reviewId === row.id).map((t) => [t.theme, t.polarity])),
      evidence: mentions
        .filter((m) => m.reviewId === row.id && (!filter.theme || m.theme === filter.theme))
        .map(({ theme, polarity, start, end }) => ({ theme, polarity, start, end })),
    })),
  }
}

export interface UnrepliedReview {
  id: string
  source: string
  author: string | null
  rating: number
  text: string
  url: string | null
  createdAt: string
}

// Imported reviews cannot be answered from here: only sources that carry replies are counted.
const REPLYABLE = REPLY_SOURCES.map((source) => `'${source}'`).join(', ')

/** Active reviews with no reply yet, oldest first (the ones waiting longest). */
export function unrepliedReviews(db: Db, locationId: string, limit: number): { total: number; reviews: UnrepliedReview[] } {
  const sqlite = db.$client
  const where = `location_id = ? and status = 'active' and reply_time is null and source in (${REPLYABLE})`
  const total = (sqlite.prepare(`select count(*) as n from reviews where ${where}`).get(locationId) as { n: number }).n
  const reviews = sqlite
    .prepare(`select id, source, author, rating, text, url, created_at as createdAt from reviews where ${where} order by created_at, id limit ?`)
    .all(locationId, limit) as UnrepliedReview[]
  return { total, reviews }
}

/** Reviews created in the range, how many have a reply, and each reply's delay in hours. */
export function replyDelays(db: Db, locationId: string, range: DayRange): { reviews: number; replied: number; delaysHours: number[] } {
  const rows = db.$client
    .prepare(
      `select (julianday(reply_time) - julianday(created_at)) * 24 as hours from reviews
       where location_id = ? and status = 'active' and source in (${REPLYABLE}) and created_at >= ? and created_at < ?`,
    )
    .all(locationId, range.from, `${range.to}~`) as Array<{ hours: number | null }>
  const delaysHours = rows.filter((r) => r.hours !== null).map((r) => Math.max(0, r.hours!))
  return { reviews: rows.length, replied: delaysHours.length, delaysHours }
}

/** The import source from import_runs, every other source from source_sync_state (written by the sync). */
export function sourceStates(db: Db, locationId: string): SourceState[] {
  const sqlite = db.$client
  const date = (value: string | null) => (value ? new Date(value) : null)
  const synced = sqlite
    .prepare(
      `select source, last_attempt_at, last_success_at, needs_reauth, last_error, consecutive_errors
       from source_sync_state where location_id = ? order by source`,
    )
    .all(locationId) as Array<{ source: string; last_attempt_at: string | null; last_success_at: string | null; needs_reauth: number; last_error: string | null; consecutive_errors: number }>
  const states: SourceState[] = synced.map((row) => ({
    source: row.source,
    lastAttemptAt: date(row.last_attempt_at),
    lastSuccessAt: date(row.last_success_at),
    needsReauth: row.needs_reauth === 1,
    lastError: row.last_error,
    consecutiveErrors: row.consecutive_errors,
  }))
  const imports = sqlite
    .prepare(`select started_at, finished_at, status, error from import_runs where location_id = ? order by started_at desc limit 20`)
    .all(locationId) as Array<{ started_at: string; finished_at: string | null; status: string; error: string | null }>
  if (imports.length > 0 && !states.some((s) => s.source === 'import')) {
    const lastSuccess = imports.find((r) => r.status === 'finished')
    const failedSince = imports.findIndex((r) => r.status !== 'failed')
    const failures = failedSince === -1 ? imports.length : failedSince
    states.push({
      source: 'import',
      lastAttemptAt: date(imports[0]!.started_at),
      lastSuccessAt: date(lastSuccess?.finished_at ?? null),
      needsReauth: false,
      lastError: failures > 0 ? imports[0]!.error : null,
      consecutiveErrors: failures,
    })
  }
  return states
}
