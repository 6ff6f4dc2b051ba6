import { describe, expect, it } from 'vitest'
import { poissonUpperTail, themeAlert, ThemeAlertInputError } from '../../src/domain/theme-alert.ts'
import { seededRandom } from '../../bench/synthetic.ts'


/** Knuth's Poisson sampler: fine for the small weekly rates of one practice's theme. */
function poissonSample(lambda: number, random: () => number): number {
  const limit = Math.exp(-lambda)
  let k = 0
  let p = random()
  while (p > limit) {
    k++
    p *= random()
  }
  return k
}

describe('theme alert statistics', () => {
  it('fires on a real rise: a theme with about one complaint a week gets 6 in the last 7 days', () => {
    const history = [1, 0, 2, 1, 1, 0, 1, 2, 1, 0, 1, 1]
    const verdict = themeAlert({ weeklyCounts: history, observed: 6 })
    expect(verdict.alert).toBe(true)
    expect(verdict.expected).toBeCloseTo(11 / 12)
    expect(verdict.pValue).toBeLessThan(0.01)
    // The same history with an ordinary week stays quiet.
    expect(themeAlert({ weeklyCounts: history, observed: 2 }).alert).toBe(false)
  })

  it('stays quiet on noise: counts drawn from one Poisson rate fire in at most ~1 % of weeks', () => {
    const random = seededRandom(17)
    const trials = 5_000
    for (const rate of [0.3, 1, 2.5, 6, 15]) {
      let fired = 0
      for (let trial = 0; trial < trials; trial++) {
        const history = Array.from({ length: 12 }, () => poissonSample(rate, random))
        if (themeAlert({ weeklyCounts: history, observed: poissonSample(rate, random) }).alert) fired++
      }
      console.log(`weekly rate ${rate}: fired in ${fired} of ${trials} noise weeks (${((100 * fired) / trials).toFixed(2)} %)`)
      expect(fired / trials, `rate ${rate}`).toBeLessThanOrEqual(0.015)
    }
  })

  it('fires on 3 complaints after 12 silent weeks, and not on 1', () => {
    const silent = Array<number>(12).fill(0)
    expect(themeAlert({ weeklyCounts: silent, observed: 3 }).alert).toBe(true)
    expect(themeAlert({ weeklyCounts: silent, observed: 1 }).alert).toBe(false)
  })

  it('never fires on 2 complaints, however quiet the history', () => {
    const silent = Array<number>(12).fill(0)
    const verdict = themeAlert({ weeklyCounts: silent, observed: 2 })
    expect(verdict.pValue).toBeLessThan(0.01)
    expect(verdict.alert).toBe(false)
  })

  it('computes the Poisson tail: exact small values and a far tail that does not round to 0', () => {
    // P(X >= 3 | 1) = 1 - e^-1 (1 + 1 + 1/2)
    expect(poissonUpperTail(3, 1)).toBeCloseTo(1 - Math.exp(-1) * 2.5, 12)
    expect(poissonUpperTail(0, 4)).toBe(1)
    expect(poissonUpperTail(2, 5)).toBeCloseTo(1 - Math.exp(-5) * 6, 12)
    const far = poissonUpperTail(60, 2)
    expect(far).toBeGreaterThan(0)
    expect(far).toBeLessThan(1e-40)
  })

  it('refuses a history that is not 12 whole, non-negative weekly counts', () => {
    expect(() => themeAlert({ weeklyCounts: [1, 2, 3], observed: 1 })).toThrow(ThemeAlertInputError)
    expect(() => themeAlert({ weeklyCounts: [...Array<number>(11).fill(0), -1], observed: 1 })).toThrow(/weeklyCounts\[11\] must be a whole number >= 0, got -1/)
    expect(() => themeAlert({ weeklyCounts: Array<number>(12).fill(0), observed: 2.5 })).toThrow(/observed/)
  })
})
