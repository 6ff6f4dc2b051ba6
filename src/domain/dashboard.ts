import { POLARITIES, type Polarity } from './review.ts'
import { csvCell } from './csv.ts'

/** Whole UTC days, both ends included: '2026-10-27' .. '2026-11-25'. */
export interface DayRange {
  from: string
  to: string
}

export const PERIOD_PRESETS = ['30', '90', '365'] as const
export type PeriodPreset = (typeof PERIOD_PRESETS)[number]

export type PeriodChoice = { preset: PeriodPreset } | { from: string; to: string }

export interface Periods {
  current: DayRange
  previous: DayRange
  days: number
  /** The months the current period touches, oldest first ('2026-10', '2026-11'). */
  months: string[]
}

const DAY_MS = 86_400_000
const dayKey = (ms: number) => new Date(ms).toISOString().slice(0, 10)
const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`)

/**
 * The period asked for and the one just before it, of the same length. "Last 30 days" ends today
 * (UTC) and includes it; a custom period is taken as given.
 */
export function resolvePeriods(choice: PeriodChoice, now: Date): Periods {
  let fromMs: number
  let toMs: number
  if ('preset' in choice) {
    toMs = dayMs(now.toISOString().slice(0, 10))
    fromMs = toMs - (Number(choice.preset) - 1) * DAY_MS
  } else {
    fromMs = dayMs(choice.from)
    toMs = dayMs(choice.to)
  }
  const days = Math.round((toMs - fromMs) / DAY_MS) + 1
  return {
    current: { from: dayKey(fromMs), to: dayKey(toMs) },
    previous: { from: dayKey(fromMs - days * DAY_MS), to: dayKey(fromMs - DAY_MS) },
    days,
    months: monthsBetween(dayKey(fromMs).slice(0, 7), dayKey(toMs).slice(0, 7)),
  }
}

/** '2026-11' → '2027-01' etc., both ends included. */
export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = []
  let [year, month] = from.split('-').map(Number) as [number, number]
  for (;;) {
    const key = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`
    if (key > to) return months
    months.push(key)
    month++
    if (month > 12) {
      month = 1
      year++
    }
  }
}

/** The month `delta` months after (or before, when negative) the given one: addMonths('2026-01', -2) = '2025-11'. */
export function addMonths(month: string, delta: number): string {
  const [year, m] = month.split('-').map(Number) as [number, number]
  const index = year * 12 + (m - 1) + delta
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`
}

/** First and last day of a month: the drill-down range behind a monthly figure. */
export function monthRange(month: string): DayRange {
  const [year, m] = month.split('-').map(Number) as [number, number]
  const last = new Date(Date.UTC(year, m, 0)).getUTCDate()
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` }
}

/**
 * A day range as the fewest rollup rows cover it: whole months from the monthly rollup, the days
 * at either end from the daily one. A year then reads ~12 months and ≤ 60 days instead of 365 days.
 */
export function splitByMonths(range: DayRange): { months: { from: string; to: string } | null; days: DayRange[] } {
  const fromMonth = range.from.slice(0, 7)
  const toMonth = range.to.slice(0, 7)
  const firstFull = range.from.endsWith('-01') ? fromMonth : addMonths(fromMonth, 1)
  const lastFull = range.to === monthRange(toMonth).to ? toMonth : addMonths(toMonth, -1)
  if (firstFull > lastFull) return { months: null, days: [range] }
  const days: DayRange[] = []
  const dayBefore = (day: string) => new Date(dayMs(day) - DAY_MS).toISOString().slice(0, 10)
  const dayAfter = (day: string) => new Date(dayMs(day) + DAY_MS).toISOString().slice(0, 10)
  if (range.from < `${firstFull}-01`) days.push({ from: range.from, to: dayBefore(`${firstFull}-01`) })
  const lastFullEnd = monthRange(lastFull).to
  if (range.to > lastFullEnd) days.push({ from: dayAfter(lastFullEnd), to: range.to })
  return { months: { from: firstFull, to: lastFull }, days }
}

export type PolarityCounts = Record<Polarity, number>

export const emptyCounts = (): PolarityCounts => ({ positive: 0, negative: 0, mixed: 0, neutral: 0 })
export const totalOf = (c: PolarityCounts) => c.positive + c.negative + c.mixed + c.neutral

/** Share of the period's reviews that mention a theme, 0..1, rounded to 3 places; 0 when no reviews. */
export function shareOf(mentioning: number, reviews: number): number {
  return reviews === 0 ? 0 : Math.round((mentioning / reviews) * 1000) / 1000
}

export interface Change {
  theme: string
  polarity: Polarity
  before: number
  after: number
  /** "Wait time complaints: 3 → 9" */
  words: string
}

const POLARITY_WORDS: Record<Polarity, string> = { positive: 'praise', negative: 'complaints', mixed: 'mixed mentions', neutral: 'mentions without a stance' }

/**
 * The largest moves between the previous period and this one, in words. Ordered by the size of the
 * move, then complaints before praise (the owner acts on those), then theme name, so the order is stable.
 */
export function biggestChanges(
  current: Record<string, PolarityCounts>,
  previous: Record<string, PolarityCounts>,
  labels: Record<string, string>,
  limit = 5,
): Change[] {
  const changes: Change[] = []
  const themes = new Set([...Object.keys(current), ...Object.keys(previous)])
  for (const theme of themes) {
    for (const polarity of POLARITIES) {
      const before = previous[theme]?.[polarity] ?? 0
      const after = current[theme]?.[polarity] ?? 0
      if (before === after) continue
      changes.push({ theme, polarity, before, after, words: `${labels[theme] ?? theme} ${POLARITY_WORDS[polarity]}: ${before} → ${after}` })
    }
  }
  const rank: Record<Polarity, number> = { negative: 0, positive: 1, mixed: 2, neutral: 3 }
  changes.sort((a, b) => Math.abs(b.after - b.before) - Math.abs(a.after - a.before) || rank[a.polarity] - rank[b.polarity] || a.theme.localeCompare(b.theme))
  return changes.slice(0, limit)
}

/** The middle value (mean of the two middle ones for an even count); null for no values. */
export function median(values: number[]): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

export interface SourceState {
  source: string
  lastAttemptAt: Date | null
  lastSuccessAt: Date | null
  needsReauth: boolean
  lastError: string | null
  consecutiveErrors: number
}

export type HealthStatus = 'ok' | 'stale' | 'failing' | 'needs_reauth' | 'never'

/** A source is stale when nothing succeeded for this long (the sync runs every few minutes). */
export const STALE_AFTER_MS = 6 * 3_600_000

/** What the owner sees per source, and what to do about it. */
export function assessSource(state: SourceState, now: Date): { status: HealthStatus; advice: string } {
  if (state.needsReauth) {
    return { status: 'needs_reauth', advice: 'Google no longer accepts the saved permission: reconnect the Google Business Profile (an owner must sign in again).' }
  }
  if (state.consecutiveErrors > 0 && state.lastError) {
    return { status: 'failing', advice: `The last ${state.consecutiveErrors} attempt(s) failed: ${state.lastError}. Check the worker's log; it retries on its own.` }
  }
  if (!state.lastSuccessAt) {
    return state.source === 'import'
      ? { status: 'never', advice: 'No import has finished yet: run `plaudit import <file> --location <id>`.' }
      : { status: 'never', advice: 'Not synced yet: connect the source and make sure a worker is running.' }
  }
  if (state.source !== 'import' && now.getTime() - state.lastSuccessAt.getTime() > STALE_AFTER_MS) {
    return { status: 'stale', advice: 'No successful sync for more than 6 hours: make sure a worker (`plaudit worker`) is running.' }
  }
  return { status: 'ok', advice: 'Nothing to do.' }
}

/** A table as CSV, every cell by the one rule in csv.ts. */
export function toCsv(header: string[], rows: Array<Array<string | number | null>>): string {
  return [header.map(csvCell).join(','), ...rows.map((row) => row.map(csvCell).join(','))].join('\r\n') + '\r\n'
}
