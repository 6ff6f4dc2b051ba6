import { describe, expect, it } from 'vitest'
import { csvCell } from '../../src/domain/csv.ts'
import { addMonths, assessSource, biggestChanges, median, monthsBetween, resolvePeriods, splitByMonths, toCsv } from '../../src/domain/dashboard.ts'

const NOW = new Date('2026-11-20T12:00:00Z')

describe('dashboard periods', () => {
  it('takes "last 90 days" up to and including today, against the 90 days before', () => {
    expect(resolvePeriods({ preset: '90' }, NOW)).toEqual({
      current: { from: '2026-08-23', to: '2026-11-20' },
      previous: { from: '2026-05-25', to: '2026-08-22' },
      days: 90,
      months: ['2026-08', '2026-09', '2026-10', '2026-11'],
    })
  })

  it('compares a custom period with as many days just before it, across a year end', () => {
    const p = resolvePeriods({ from: '2026-01-01', to: '2026-01-31' }, NOW)
    expect(p.previous).toEqual({ from: '2025-12-01', to: '2025-12-31' })
    expect(monthsBetween('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02'])
    expect(addMonths('2026-01', -2)).toBe('2025-11')
    expect(addMonths('2026-11', -11)).toBe('2025-12')
  })

  it('reads whole months from the monthly rollup and only the days at the ends from the daily one', () => {
    expect(splitByMonths({ from: '2025-11-21', to: '2026-11-20' })).toEqual({
      months: { from: '2025-12', to: '2026-10' },
      days: [
        { from: '2025-11-21', to: '2025-11-30' },
        { from: '2026-11-01', to: '2026-11-20' },
      ],
    })
    expect(splitByMonths({ from: '2024-02-01', to: '2024-02-29' })).toEqual({ months: { from: '2024-02', to: '2024-02' }, days: [] })
    expect(splitByMonths({ from: '2026-11-03', to: '2026-11-20' })).toEqual({ months: null, days: [{ from: '2026-11-03', to: '2026-11-20' }] })
    expect(splitByMonths({ from: '2026-10-15', to: '2026-11-10' })).toEqual({ months: null, days: [{ from: '2026-10-15', to: '2026-11-10' }] })
  })
})

describe('biggest changes', () => {
  it('says the largest moves in words, complaints before praise when they moved as much', () => {
    const changes = biggestChanges(
      { 'wait-time': { positive: 1, negative: 9, mixed: 0, neutral: 0 }, 'never-rushed': { positive: 4, negative: 0, mixed: 0, neutral: 0 } },
      { 'wait-time': { positive: 1, negative: 3, mixed: 0, neutral: 0 }, 'never-rushed': { positive: 10, negative: 0, mixed: 0, neutral: 0 } },
      { 'wait-time': 'Wait time', 'never-rushed': 'Never rushed' },
    )
    expect(changes.map((c) => c.words)).toEqual(['Wait time complaints: 3 → 9', 'Never rushed praise: 10 → 4'])
  })
})

describe('replies and health', () => {
  it('takes the median time to reply', () => {
    expect(median([])).toBeNull()
    expect(median([5, 1, 3])).toBe(3)
    expect(median([24, 48])).toBe(36)
  })

  it('tells the owner what to do about each source', () => {
    const base = { source: 'google-business-profile', lastAttemptAt: NOW, lastSuccessAt: NOW, needsReauth: false, lastError: null, consecutiveErrors: 0 }
    expect(assessSource(base, NOW).status).toBe('ok')
    expect(assessSource({ ...base, needsReauth: true }, NOW)).toMatchObject({ status: 'needs_reauth', advice: expect.stringContaining('reconnect') })
    expect(assessSource({ ...base, lastError: 'HTTP 503', consecutiveErrors: 3 }, NOW)).toMatchObject({ status: 'failing', advice: expect.stringContaining('HTTP 503') })
    expect(assessSource({ ...base, lastSuccessAt: new Date('2026-11-20T01:00:00Z') }, NOW).status).toBe('stale')
    expect(assessSource({ ...base, lastSuccessAt: null }, NOW).status).toBe('never')
  })
})

describe('CSV export', () => {
  it('neutralises cells a spreadsheet would run as a formula, and leaves numbers alone', () => {
    expect(csvCell('=HYPERLINK("http://evil.example")')).toBe(`"'=HYPERLINK(""http://evil.example"")"`)
    for (const start of ['+', '-', '@', '\t', '\r']) expect(csvCell(`${start}1+1`).replace(/^"/, '')).toMatch(/^'/)
    expect(csvCell('Wait time')).toBe('Wait time')
    expect(csvCell(-3)).toBe('-3')
    expect(csvCell(null)).toBe('')
    expect(toCsv(['a', 'b'], [['x, y', 2]])).toBe('a,b\r\n"x, y",2\r\n')
  })
})
