import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { cutExcerpt, isStillVerbatim, NotVerbatimError } from '../../src/domain/excerpt.ts'
import { IMPORT_COLUMNS, parseImportRow } from '../../src/domain/import-row.ts'
import { testimonialsToWithdraw } from '../../src/domain/withdrawal.ts'

/**
 * Issue 13: properties over the import row parser and the excerpt rules. fast-check reports the
 * seed and the shrunk counter-example of a failure, so a failing run can be replayed exactly.
 */

const LONE_SURROGATE = /\p{Surrogate}/u
const graphemeStarts = (text: string) => new Set([...new Intl.Segmenter('und', { granularity: 'grapheme' }).segment(text)].map((s) => s.index).concat(text.length))

/** Any value a CSV cell or a JSON field could hold, including lone surrogates and non-strings. */
const cellValue = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom('5', '1', '0', '6', '4.5', ' 3 ', '2025-03-14', '2025-02-30T00:00:00Z', '2025-03-14T09:30:00Z', 'https://maps.google.com/?cid=1', 'javascript:alert(1)'),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.anything(),
)
const record = fc.record(Object.fromEntries(IMPORT_COLUMNS.map((column) => [column, cellValue])) as Record<(typeof IMPORT_COLUMNS)[number], typeof cellValue>, {
  requiredKeys: [],
})
const validRecord = fc.record({
  id: fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/),
  source: fc.constantFrom('', 'google', 'import'),
  author: fc.string({ unit: 'grapheme' }),
  rating: fc.integer({ min: 1, max: 5 }).map(String),
  text: fc.string({ unit: 'grapheme' }),
  created_at: fc.constantFrom('2025-03-14', '2025-03-14T09:30:00Z', '2024-02-29T23:59:59.999+05:30'),
  url: fc.constantFrom('', 'https://maps.google.com/?cid=1'),
})

describe('the import row parser, for any input', () => {
  it('returns a review or a problem naming a column, and never throws', () => {
    fc.assert(
      fc.property(record, (input) => {
        const result = parseImportRow(input)
        if (result.ok) {
          expect(typeof result.review.externalId).toBe('string')
          expect(Number.isInteger(result.review.rating)).toBe(true)
          // Nothing that is not a character reaches the database.
          for (const value of [result.review.externalId, result.review.author ?? '', result.review.text, result.review.url ?? '']) {
            expect(LONE_SURROGATE.test(value)).toBe(false)
            expect(value.includes('\u0000')).toBe(false)
          }
        } else {
          expect([...IMPORT_COLUMNS, 'row']).toContain(result.problem.field)
          expect(result.problem.message).toMatch(new RegExp(`^${result.problem.field}`))
          if (result.problem.value !== null) expect(LONE_SURROGATE.test(result.problem.value)).toBe(false)
        }
      }),
      { numRuns: 2000 },
    )
  })

  it('keeps a valid row’s text exactly as written', () => {
    fc.assert(
      fc.property(validRecord, (input) => {
        const result = parseImportRow(input)
        expect(result.ok).toBe(true)
        if (result.ok) expect(result.review.text).toBe(input.text)
      }),
      { numRuns: 1000 },
    )
  })

  it('refuses a field holding a lone surrogate or a NUL (which PostgreSQL cannot store), naming that field', () => {
    fc.assert(
      fc.property(validRecord, fc.constantFrom('id', 'author', 'text'), fc.oneof(fc.integer({ min: 0xd800, max: 0xdfff }), fc.constant(0)), (input, field, code) => {
        const result = parseImportRow({ ...input, [field]: `${input[field as keyof typeof input]}x${String.fromCharCode(code)}` })
        expect(result.ok).toBe(false)
        if (!result.ok) expect(result.problem.field).toBe(field)
      }),
      { numRuns: 500 },
    )
  })
})

describe('the excerpt rules, for any text and offsets', () => {
  it('cut verbatim on grapheme boundaries covering the asked range, or refuse with NotVerbatimError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme-composite' }), fc.string({ unit: 'binary' })), fc.nat(200), fc.nat(200), (text, a, b) => {
        let excerpt
        try {
          excerpt = cutExcerpt(text, a, b)
        } catch (error) {
          expect(error).toBeInstanceOf(NotVerbatimError)
          return
        }
        expect(excerpt.text).toBe(text.slice(excerpt.start, excerpt.end))
        expect(isStillVerbatim(excerpt, text)).toBe(true)
        expect(excerpt.start).toBeLessThanOrEqual(a)
        expect(excerpt.end).toBeGreaterThanOrEqual(b)
        const starts = graphemeStarts(text)
        expect(starts.has(excerpt.start) && starts.has(excerpt.end)).toBe(true)
      }),
      { numRuns: 2000 },
    )
  })

  it('never withdraw a testimonial for an edit that keeps its words and does not lower the rating', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 4 }), (before, quoted, after, rating, raise) => {
        const text = `${before}${quoted}`
        const excerpt = { start: before.length, end: text.length, text: quoted }
        const change = { reviewId: 'r', before: { rating, text }, after: { rating: Math.min(5, rating + raise), text: `${text}${after}` } }
        expect(testimonialsToWithdraw([change], [{ id: 't', reviewId: 'r', excerpt }])).toEqual([])
        const lowered = { ...change, after: { ...change.after, rating: rating - 1 } }
        if (rating > 1) expect(testimonialsToWithdraw([lowered], [{ id: 't', reviewId: 'r', excerpt }])).toEqual([{ testimonialId: 't', reviewId: 'r', reason: 'rating-lowered' }])
      }),
      { numRuns: 1000 },
    )
  })
})
