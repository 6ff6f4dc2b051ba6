// When to tell the owner that complaints about a theme have risen: the last 7 days' count of
// confident complaint mentions is compared with what the theme's previous 12 weeks make likely.
// Complaints arrive independently at a weekly rate, so the count in a week is Poisson; the rate is
// estimated by the mean of the history weeks. A rise is an alert when seeing at least that many
// complaints at that rate is less likely than 1 % and there are at least 3 of them, so a quiet
// theme's single bad review never pages anyone.

/** Tail probability below which a week's count is a rise, not noise. */
export const THEME_ALERT_P_VALUE = 0.01
/** Fewest complaints in the last 7 days that may alert, however quiet the theme was. */
export const THEME_ALERT_MIN_COMPLAINTS = 3
/** Weeks of history the rate is estimated from. */
export const THEME_ALERT_HISTORY_WEEKS = 12
/**
 * Floor on the weekly rate: as if one complaint had been seen across the 12 history weeks. With a
 * rate of 0 any complaint would be infinitely unlikely; with this floor 1 or 2 complaints are not
 * alerts anyway (fewer than 3), and 3 after a silent quarter are (P ≈ 0.0001).
 */
export const THEME_ALERT_MIN_WEEKLY_RATE = 1 / THEME_ALERT_HISTORY_WEEKS

export interface ThemeAlertInput {
  /** complaint counts of the theme in each of the previous weeks (12, oldest first) */
  weeklyCounts: readonly number[]
  /** complaint count in the last 7 days */
  observed: number
}

export interface ThemeAlertVerdict {
  alert: boolean
  /** the weekly rate the history makes likely (floored) */
  expected: number
  /** P(X >= observed) for X ~ Poisson(expected) */
  pValue: number
}

export class ThemeAlertInputError extends Error {}

function assertCount(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0) throw new ThemeAlertInputError(`${what} must be a whole number >= 0, got ${value}`)
}

/** Whether this week's complaints about a theme are a rise worth alerting about. */
export function themeAlert(input: ThemeAlertInput): ThemeAlertVerdict {
  if (input.weeklyCounts.length !== THEME_ALERT_HISTORY_WEEKS) {
    throw new ThemeAlertInputError(`weeklyCounts must hold ${THEME_ALERT_HISTORY_WEEKS} weeks, got ${input.weeklyCounts.length}`)
  }
  input.weeklyCounts.forEach((count, week) => assertCount(count, `weeklyCounts[${week}]`))
  assertCount(input.observed, 'observed')
  const mean = input.weeklyCounts.reduce((sum, count) => sum + count, 0) / input.weeklyCounts.length
  const expected = Math.max(mean, THEME_ALERT_MIN_WEEKLY_RATE)
  const pValue = poissonUpperTail(input.observed, expected)
  return { alert: input.observed >= THEME_ALERT_MIN_COMPLAINTS && pValue < THEME_ALERT_P_VALUE, expected, pValue }
}

/** P(X >= k) for X ~ Poisson(lambda), lambda > 0. */
export function poissonUpperTail(k: number, lambda: number): number {
  if (k <= 0) return 1
  // Below the mean the tail is near 1: take 1 minus the few lower terms. Above it, sum the tail
  // itself, so a tiny probability is not lost to 1 - 0.9999999…
  if (k <= lambda) {
    let term = Math.exp(-lambda)
    let lower = 0
    for (let i = 0; i < k; i++) {
      lower += term
      term *= lambda / (i + 1)
    }
    return Math.max(0, 1 - lower)
  }
  let term = Math.exp(-lambda + k * Math.log(lambda) - logFactorial(k))
  let tail = 0
  for (let i = k; term > tail * 1e-17 || i <= k; i++) {
    tail += term
    term *= lambda / (i + 1)
  }
  return Math.min(1, tail)
}

function logFactorial(n: number): number {
  let sum = 0
  for (let i = 2; i <= n; i++) sum += Math.log(i)
  return sum
}
