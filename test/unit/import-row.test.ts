import { describe, expect, it } from 'vitest'
import { parseImportRow } from '../../src/domain/import-row.ts'

const good = { id: 'r1', source: 'google', author: ' Myra Kowalski ', rating: '5', text: '  I never felt rushed.  ', created_at: '2025-03-14T09:30:00Z', url: 'https://maps.google.com/?cid=1' }

describe('an imported row', () => {
  it('becomes a review with its text kept exactly as written', () => {
    const result = parseImportRow(good)
    expect(result).toEqual({
      ok: true,
      review: { source: 'import', externalId: 'r1', author: 'Myra Kowalski', rating: 5, text: '  I never felt rushed.  ', createdAt: new Date('2025-03-14T09:30:00Z'), url: 'https://maps.google.com/?cid=1' },
    })
  })

  it.each([
    ['rating', '6', 'rating must be a whole number 1..5'],
    ['rating', '', 'rating must be a whole number 1..5'],
    ['rating', '4.5', 'rating must be a whole number 1..5'],
    ['created_at', 'yesterday', 'created_at must be an ISO-8601 date'],
    ['created_at', '2025-02-30T00:00:00Z', 'created_at must be an ISO-8601 date'],
    ['url', 'javascript:alert(1)', 'url must be empty or an http(s) address'],
    ['id', '   ', 'id is required'],
    ['source', 'Google Maps', 'source must be a lower-case name'],
  ])('is refused when %s is %j, naming the field and value', (field, value, message) => {
    const result = parseImportRow({ ...good, [field]: value })
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.problem.field).toBe(field)
      expect(result.problem.value).toBe(value)
      expect(result.problem.message).toContain(message)
    }
  })

  it('accepts a rating-only review with no text, and an anonymous author', () => {
    const result = parseImportRow({ ...good, text: '', author: '' })
    expect(result.ok && result.review).toMatchObject({ text: '', author: null })
  })

  it('accepts numbers from JSON files', () => {
    const result = parseImportRow({ ...good, rating: 4, id: 17 })
    expect(result.ok && result.review).toMatchObject({ rating: 4, externalId: '17' })
  })
})
