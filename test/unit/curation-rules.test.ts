import { describe, expect, it } from 'vitest'
import { can, HIDE_REASONS, satisfies } from '../../src/domain/access.ts'
import { attributionFor } from '../../src/domain/attribution.ts'
import { csvCell, csvLine } from '../../src/domain/csv.ts'
import { ftsQuery } from '../../src/db/stores/curation-search.ts'

describe('roles', () => {
  it('lets marketing curate but not manage users, keys, connections or read the audit log', () => {
    expect(can('marketing', 'curate')).toBe(true)
    for (const p of ['manage-accounts', 'manage-keys', 'manage-connections', 'read-audit'] as const) expect(can('marketing', p)).toBe(false)
    expect(satisfies('marketing', 'owner')).toBe(false)
    expect(satisfies('owner', 'marketing')).toBe(true)
  })
})

describe('hide reasons', () => {
  it('are the fixed list of DESIGN.md, with no reason about being negative or low-rated', () => {
    expect([...HIDE_REASONS]).toEqual(['spam', 'off-topic', 'privacy', 'profanity', 'suspected-fake', 'not-a-patient', 'duplicate'])
    expect(HIDE_REASONS.some((r) => /negative|rating|star|bad/.test(r))).toBe(false)
  })
})

describe('patient authorization', () => {
  const signed = { signedBy: 'Myra Kowalski', signedName: 'Myra Kowalski', signedAt: new Date('2026-01-01T00:00:00Z'), expiresAt: new Date('2026-06-01T00:00:00Z'), revokedAt: null }
  it('shows the name only while the authorization stands', () => {
    expect(attributionFor('Myra Kowalski', null, new Date('2026-03-01T00:00:00Z'))).toBe('Verified patient')
    expect(attributionFor('Myra Kowalski', signed, new Date('2026-03-01T00:00:00Z'))).toBe('Myra K.')
    expect(attributionFor('Myra Kowalski', signed, new Date('2026-06-01T00:00:00Z'))).toBe('Verified patient')
    expect(attributionFor('Myra Kowalski', { ...signed, revokedAt: new Date('2026-02-01T00:00:00Z') }, new Date('2026-03-01T00:00:00Z'))).toBe('Verified patient')
  })
})

describe('CSV export cells', () => {
  it('neutralise spreadsheet formulas and quote separators', () => {
    for (const hostile of ['=1+1', '+1', '-1', '@SUM(A1)', '\t=1', '\r=1']) expect(csvCell(hostile).replace(/^"/, '')).toMatch(/^'/)
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell({ reason: 'spam' })).toBe('"{""reason"":""spam""}"')
    expect(csvLine([1, null, 'x'])).toBe('1,,x\r\n')
  })
})

describe('the search box', () => {
  it('turns words into quoted FTS5 terms, so operators are plain words', () => {
    expect(ftsQuery('never rushed')).toBe('"never" "rushed"')
    expect(ftsQuery('NEAR(a b) OR "x" *')).toBe('"NEAR" "a" "b" "OR" "x"')
    expect(ftsQuery('"" *')).toBeNull()
  })
})
