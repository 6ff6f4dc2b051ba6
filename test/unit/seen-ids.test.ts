import { describe, expect, it } from 'vitest'
import { SeenIds } from '../../src/domain/seen-ids.ts'

describe('the ids met so far in an import file', () => {
  it('answers the first line of an id met again, and nothing for a new one', () => {
    const seen = new SeenIds()
    expect(seen.firstLineOrAdd('r1', 2)).toBeUndefined()
    expect(seen.firstLineOrAdd('r2', 3)).toBeUndefined()
    expect(seen.firstLineOrAdd('r1', 9)).toBe(2)
    expect(seen.firstLineOrAdd('R1', 10)).toBeUndefined()
  })

  it('keeps every id and its line while it grows past its first size, with no false repeats', () => {
    const seen = new SeenIds()
    const count = 200_000
    for (let i = 0; i < count; i++) expect(seen.firstLineOrAdd(`review-${i}`, i + 2)).toBeUndefined()
    for (let i = 0; i < count; i += 997) expect(seen.firstLineOrAdd(`review-${i}`, 0)).toBe(i + 2)
  })
})
