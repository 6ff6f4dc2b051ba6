import { REPLY_SOURCES } from '../../domain/review.ts'
import { emptyCounts, splitByMonths, type DayRange, type PolarityCounts, type SourceState } from '../../domain/dashboard.ts'
import type { Polarity } from '../../domain/review.ts'
import { sql, type SQL } from 'drizzle-orm'
import { inList, type Db } from '../database.ts'

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

export async function ratingCounts(db: Db, locationId: string, range: DayRange): Promise<RatingCounts> {
  const counts: RatingCounts = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 }
  for (const [grain, from, to] of pieces(range)) {
    const rows = await db.all<{ rating: number; n: number }>(
      sql`select rating, sum(reviews) as "n" from rollup_review_counts
       where location_id = ${locationId} and grain = ${grain} and period between ${from} and ${to} group by rating`,
    )
    for (const row of rows) counts[String(row.rating) as keyof RatingCounts] += row.n
  }
  return counts
}

export async function themeCounts(db: Db, locationId: string, range: DayRange): Promise<Record<string, PolarityCounts>> {
  const counts: Record<string, PolarityCounts> = {}
  for (const [grain, from, to] of pieces(range)) {
    const rows = await db.all<{ theme: string; polarity: Polarity; n: number }>(
      sql`select theme, polarity, sum(reviews) as "n" from rollup_theme_counts
       where location_id = ${locationId} and grain = ${grain} and period between ${from} and ${to} group by theme, polarity`,
    )
    for (const row of rows) (counts[row.theme] ??= emptyCounts())[row.polarity] += row.n
  }
  return counts
}

export async function monthlyVolume(db: Db, locationId: string, fromMonth: string, toMonth: string): Promise<Record<string, number>> {
  const rows = await db.all<{ period: string; n: number }>(
    sql`select period, sum(reviews) as "n" from rollup_review_counts
       where location_id = ${locationId} and grain = 'month' and period between ${fromMonth} and ${toMonth} group by period`,
  )
  return Object.fromEntries(rows.map((r) => [r.period, r.n]))
}

/** month → theme → polarity counts: the theme trend. */
export async function monthlyThemeCounts(db: Db, locationId: string, fromMonth: string, toMonth: string): Promise<Record<string, Record<string, PolarityCounts>>> {
  const rows = await db.all<{ period: string; theme: string; polarity: Polarity; reviews: number }>(
    sql`select period, theme, polarity, reviews from rollup_theme_counts
       where location_id = ${locationId} and grain = 'month' and period between ${fromMonth} and ${toMonth}`,
  )
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
export async function reviewsBehindFigure(db: Db, filter: FigureFilter): Promise<{ total: number; reviews: ReviewBehindFigure[] }> {
  // '~' sorts after 'T': every createTime on the last day ('2026-11-25T…') is below '2026-11-25~'.
  const conditions: SQL[] = [sql`r.location_id = ${filter.locationId}`, sql`r.status = 'active'`, sql`r.created_at >= ${filter.range.from} and r.created_at < ${`${filter.range.to}~`}`]
  if (filter.rating !== undefined) conditions.push(sql`r.rating = ${filter.rating}`)
  if (filter.theme) {
    conditions.push(
      sql`exists (select 1 from review_themes t where t.review_id = r.id and t.theme = ${filter.theme}${filter.polarity ? sql` and t.polarity = ${filter.polarity}` : sql``})`,
    )
  }
  const where = sql.join(conditions, sql` and `)
  const total = (await db.get<{ n: number }>(sql`select count(*) as "n" from reviews r where ${where}`))!.n
  const rows = await db.all<Omit<ReviewBehindFigure, 'themes' | 'evidence'>>(
    sql`select r.id, r.source, r.author, r.rating, r.text, r.url, r.created_at as "createdAt", r.reply_time as "replyTime"
       from reviews r where ${where} order by r.created_at desc, r.id desc limit ${filter.limit}`,
  )
  if (rows.length === 0) return { total, reviews: [] }
  const ids = inList(rows.map((r) => r.id))
  const themes = await db.all<{ reviewId: string; theme: string; polarity: Polarity }>(
    sql`select review_id as "reviewId", theme, polarity from review_themes where review_id in ${ids}`,
  )
  const mentions = await db.all<Evidence & { reviewId: string }>(
    sql`select review_id as "reviewId", theme, polarity, "start", "end" from mentions where review_id in ${ids} order by "start", theme`,
  )
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
const REPLYABLE = inList(REPLY_SOURCES)

/** Active reviews with no reply yet, oldest first (the ones waiting longest). */
export async function unrepliedReviews(db: Db, locationId: string, limit: number): Promise<{ total: number; reviews: UnrepliedReview[] }> {
  const where = sql`location_id = ${locationId} and status = 'active' and reply_time is null and source in ${REPLYABLE}`
  const total = (await db.get<{ n: number }>(sql`select count(*) as "n" from reviews where ${where}`))!.n
  const reviews = await db.all<UnrepliedReview>(
    sql`select id, source, author, rating, text, url, created_at as "createdAt" from reviews where ${where} order by created_at, id limit ${limit}`,
  )
  return { total, reviews }
}

/** Reviews created in the range, how many have a reply, and each reply's delay in hours. */
export async function replyDelays(db: Db, locationId: string, range: DayRange): Promise<{ reviews: number; replied: number; delaysHours: number[] }> {
  // Date arithmetic is the one thing the engines spell differently; both give null when reply_time is null.
  const hours =
    db.dialect === 'postgres'
      ? sql`extract(epoch from (reply_time::timestamptz - created_at::timestamptz)) / 3600`
      : sql`(julianday(reply_time) - julianday(created_at)) * 24`
  const rows = await db.all<{ hours: number | null }>(
    sql`select ${hours} as "hours" from reviews
       where location_id = ${locationId} and status = 'active' and source in ${REPLYABLE} and created_at >= ${range.from} and created_at < ${`${range.to}~`}`,
  )
  const delaysHours = rows.filter((r) => r.hours !== null).map((r) => Math.max(0, r.hours!))
  return { reviews: rows.length, replied: delaysHours.length, delaysHours }
}

/** The import source from import_runs, every other source from source_sync_state (written by the sync). */
export async function sourceStates(db: Db, locationId: string): Promise<SourceState[]> {
  const date = (value: string | null) => (value ? new Date(value) : null)
  const synced = await db.all<{ source: string; last_attempt_at: string | null; last_success_at: string | null; needs_reauth: unknown; last_error: string | null; consecutive_errors: number }>(
    sql`select source, last_attempt_at, last_success_at, needs_reauth, last_error, consecutive_errors
       from source_sync_state where location_id = ${locationId} order by source`,
  )
  const states: SourceState[] = synced.map((row) => ({
    source: row.source,
    lastAttemptAt: date(row.last_attempt_at),
    lastSuccessAt: date(row.last_success_at),
    needsReauth: Boolean(row.needs_reauth),
    lastError: row.last_error,
    consecutiveErrors: row.consecutive_errors,
  }))
  const imports = await db.all<{ started_at: string; finished_at: string | null; status: string; error: string | null }>(
    sql`select started_at, finished_at, status, error from import_runs where location_id = ${locationId} order by started_at desc limit 20`,
  )
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
