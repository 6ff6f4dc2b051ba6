import {
  addMonths,
  assessSource,
  biggestChanges,
  emptyCounts,
  median,
  monthsBetween,
  resolvePeriods,
  shareOf,
  toCsv,
  totalOf,
  type Change,
  type DayRange,
  type HealthStatus,
  type PeriodChoice,
  type Periods,
  type PolarityCounts,
} from '../domain/dashboard.ts'
import { POLARITIES } from '../domain/review.ts'
import type { Db } from '../db/database.ts'
import {
  monthlyThemeCounts,
  monthlyVolume,
  ratingCounts,
  replyDelays,
  reviewsBehindFigure,
  sourceStates,
  themeCounts,
  unrepliedReviews,
  type FigureFilter,
  type RatingCounts,
  type ReviewBehindFigure,
  type UnrepliedReview,
} from '../db/stores/dashboard.ts'
import { getLocation } from '../db/stores/locations.ts'
import { ReviewStore } from '../db/stores/reviews.ts'
import { NotFoundError } from './errors.ts'

export interface ThemeLabel {
  id: string
  label: string
}

export interface ThemeFigures extends PolarityCounts {
  /** Reviews mentioning the theme at all (each review counts once, with its review-level polarity). */
  reviews: number
  share: number
}

export interface DashboardFigures {
  location: { id: string; name: string }
  period: Periods
  volume: { current: number; previous: number }
  stars: { current: RatingCounts; previous: RatingCounts; averageCurrent: number | null; averagePrevious: number | null }
  themes: Array<{ theme: string; label: string; current: ThemeFigures; previous: ThemeFigures }>
  trend: {
    months: string[]
    volume: number[]
    themes: Record<string, Record<'positive' | 'negative' | 'mixed' | 'reviews', number[]> & { share: number[] }>
  }
  changes: Change[]
  replies: {
    waiting: number
    oldestWaiting: Array<UnrepliedReview & { answerUrl: string | null }>
    reviewsInPeriod: number
    repliedInPeriod: number
    replyRate: number | null
    medianHoursToReply: number | null
  }
  health: {
    sources: Array<{ source: string; status: HealthStatus; advice: string; lastSuccessAt: string | null; lastAttemptAt: string | null; needsReauth: boolean; lastError: string | null }>
    aggregate: { source: string; rating: number; count: number; checkedAt: string | null } | null
    waitingForAnalysis: number
  }
}

/** The trend shows at least the last 12 months, so a 30-day period still has a shape to compare with. */
const TREND_MONTHS = 12
const OLDEST_WAITING = 10

export interface DashboardQuery {
  locationId: string
  choice: PeriodChoice
  now: Date
  themes: ThemeLabel[]
}

function sumRatings(counts: RatingCounts): { n: number; average: number | null } {
  let n = 0
  let sum = 0
  for (const [rating, count] of Object.entries(counts)) {
    n += count
    sum += Number(rating) * count
  }
  return { n, average: n === 0 ? null : Math.round((sum / n) * 100) / 100 }
}

function themeFigures(counts: PolarityCounts | undefined, reviews: number): ThemeFigures {
  const c = counts ?? emptyCounts()
  return { ...c, reviews: totalOf(c), share: shareOf(totalOf(c), reviews) }
}

/** Google's review pages are where an owner answers; an imported review links to wherever it came from. */
function answerUrl(review: UnrepliedReview): string | null {
  if (review.url) return review.url
  return review.source === 'google-business-profile' ? 'https://business.google.com/reviews' : null
}

export async function dashboardFigures(db: Db, query: DashboardQuery): Promise<DashboardFigures> {
  const location = await getLocation(db, query.locationId)
  if (!location) throw new NotFoundError(`location "${query.locationId}" does not exist`)
  const period = resolvePeriods(query.choice, query.now)
  const { locationId } = query

  const starsNow = await ratingCounts(db, locationId, period.current)
  const starsBefore = await ratingCounts(db, locationId, period.previous)
  const now = sumRatings(starsNow)
  const before = sumRatings(starsBefore)
  const themesNow = await themeCounts(db, locationId, period.current)
  const themesBefore = await themeCounts(db, locationId, period.previous)

  const labels = Object.fromEntries(query.themes.map((t) => [t.id, t.label]))
  const order = [...query.themes.map((t) => t.id), ...Object.keys(themesNow).filter((id) => !(id in labels)).sort()]
  const themes = order
    .map((theme) => ({ theme, label: labels[theme] ?? theme, current: themeFigures(themesNow[theme], now.n), previous: themeFigures(themesBefore[theme], before.n) }))
    .sort((a, b) => b.current.reviews - a.current.reviews || order.indexOf(a.theme) - order.indexOf(b.theme))

  const lastMonth = period.months[period.months.length - 1]!
  const firstMonth = [period.months[0]!, addMonths(lastMonth, 1 - TREND_MONTHS)].sort()[0]!
  const months = monthsBetween(firstMonth, lastMonth)
  const volumeByMonth = await monthlyVolume(db, locationId, firstMonth, lastMonth)
  const themesByMonth = await monthlyThemeCounts(db, locationId, firstMonth, lastMonth)
  const volume = months.map((m) => volumeByMonth[m] ?? 0)
  const trendThemes: DashboardFigures['trend']['themes'] = {}
  for (const { theme } of themes) {
    const series = { positive: [] as number[], negative: [] as number[], mixed: [] as number[], neutral: [] as number[], reviews: [] as number[], share: [] as number[] }
    months.forEach((month, i) => {
      const counts = themesByMonth[month]?.[theme] ?? emptyCounts()
      for (const polarity of POLARITIES) series[polarity].push(counts[polarity])
      series.reviews.push(totalOf(counts))
      series.share.push(shareOf(totalOf(counts), volume[i]!))
    })
    trendThemes[theme] = series
  }

  const waiting = await unrepliedReviews(db, locationId, OLDEST_WAITING)
  const replies = await replyDelays(db, locationId, period.current)
  const medianHours = median(replies.delaysHours)
  const aggregate = location.aggregate
  const sources = await sourceStates(db, locationId)
  const waitingForAnalysis = await new ReviewStore(db).countUnanalyzed(locationId)

  return {
    location: { id: location.id, name: location.name },
    period,
    volume: { current: now.n, previous: before.n },
    stars: { current: starsNow, previous: starsBefore, averageCurrent: now.average, averagePrevious: before.average },
    themes,
    trend: { months, volume, themes: trendThemes },
    changes: biggestChanges(themesNow, themesBefore, labels),
    replies: {
      waiting: waiting.total,
      oldestWaiting: waiting.reviews.map((r) => ({ ...r, answerUrl: answerUrl(r) })),
      reviewsInPeriod: replies.reviews,
      repliedInPeriod: replies.replied,
      replyRate: replies.reviews === 0 ? null : shareOf(replies.replied, replies.reviews),
      medianHoursToReply: medianHours === null ? null : Math.round(medianHours * 10) / 10,
    },
    health: {
      sources: sources.map((state) => ({
        source: state.source,
        ...assessSource(state, query.now),
        lastSuccessAt: state.lastSuccessAt?.toISOString() ?? null,
        lastAttemptAt: state.lastAttemptAt?.toISOString() ?? null,
        needsReauth: state.needsReauth,
        lastError: state.lastError,
      })),
      aggregate: aggregate ? { source: aggregate.source, rating: aggregate.rating, count: aggregate.count, checkedAt: aggregate.checkedAt?.toISOString() ?? null } : null,
      waitingForAnalysis,
    },
  }
}

export async function reviewsBehind(db: Db, filter: FigureFilter): Promise<{ total: number; reviews: ReviewBehindFigure[] }> {
  if (!(await getLocation(db, filter.locationId))) throw new NotFoundError(`location "${filter.locationId}" does not exist`)
  return reviewsBehindFigure(db, filter)
}

export const CSV_TABLES = ['themes', 'trend', 'stars', 'replies'] as const
export type CsvTable = (typeof CSV_TABLES)[number]

const range = (r: DayRange) => `${r.from}..${r.to}`

/** One of the dashboard's tables as CSV; text cells are formula-neutralised (reviews are hostile input). */
export async function dashboardCsv(db: Db, query: DashboardQuery, table: CsvTable): Promise<string> {
  const figures = await dashboardFigures(db, query)
  const { current, previous } = figures.period
  switch (table) {
    case 'themes':
      return toCsv(
        ['theme', 'period', 'reviews', 'share', 'positive', 'negative', 'mixed'],
        figures.themes.flatMap((t) => [
          [t.label, range(current), t.current.reviews, t.current.share, t.current.positive, t.current.negative, t.current.mixed],
          [t.label, range(previous), t.previous.reviews, t.previous.share, t.previous.positive, t.previous.negative, t.previous.mixed],
        ]),
      )
    case 'trend':
      return toCsv(
        ['month', 'reviews', 'theme', 'mentioning', 'share', 'positive', 'negative', 'mixed'],
        figures.trend.months.flatMap((month, i) =>
          figures.themes.map(({ theme, label }) => {
            const s = figures.trend.themes[theme]!
            return [month, figures.trend.volume[i]!, label, s.reviews[i]!, s.share[i]!, s.positive[i]!, s.negative[i]!, s.mixed[i]!]
          }),
        ),
      )
    case 'stars':
      return toCsv(
        ['stars', range(current), range(previous)],
        (['5', '4', '3', '2', '1'] as const).map((stars) => [Number(stars), figures.stars.current[stars], figures.stars.previous[stars]]),
      )
    case 'replies':
      return toCsv(
        ['created_at', 'source', 'author', 'rating', 'text', 'answer_url'],
        (await unrepliedReviews(db, query.locationId, Number.MAX_SAFE_INTEGER)).reviews.map((r) => [r.createdAt, r.source, r.author, r.rating, r.text, answerUrl(r)]),
      )
  }
}
