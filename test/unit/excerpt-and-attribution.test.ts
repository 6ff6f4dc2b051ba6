import { describe, expect, it } from 'vitest'
import { attributionFor, shortName, VERIFIED_PATIENT } from '../../src/domain/attribution.ts'
import { cutExcerpt, displayExcerpt, isStillVerbatim, NotVerbatimError } from '../../src/domain/excerpt.ts'

const review = 'Dr. Daniel never rushed me. He fixed my desk posture. Parking is hard.'

describe('an excerpt', () => {
  it('is cut from the review by offsets and shows "…" where words are left out', () => {
    const excerpt = cutExcerpt(review, 28, 53)
    expect(excerpt.text).toBe('He fixed my desk posture.')
    expect(displayExcerpt(excerpt, review)).toBe('… He fixed my desk posture. …')
    expect(displayExcerpt(cutExcerpt(review, 0, 27), review)).toBe('Dr. Daniel never rushed me. …')
    expect(displayExcerpt(cutExcerpt(review, 0, review.length), review)).toBe(review)
  })

  it("does not double the patient's own ellipsis at a cut", () => {
    const text = 'My upper back is just… better. Really.'
    expect(displayExcerpt(cutExcerpt(text, 0, 22), text)).toBe('My upper back is just…')
    expect(displayExcerpt(cutExcerpt(text, 22, 30), text)).toBe('… better. …')
  })

  it('refuses offsets outside the text and empty cuts', () => {
    expect(() => cutExcerpt(review, 10, 500)).toThrow(NotVerbatimError)
    expect(() => cutExcerpt(review, 5, 5)).toThrow(NotVerbatimError)
    expect(() => cutExcerpt(review, 0, 1.5)).toThrow(NotVerbatimError)
  })

  it('no longer stands when the patient edits the quoted sentence away', () => {
    const excerpt = cutExcerpt(review, 0, 27)
    expect(isStillVerbatim(excerpt, review)).toBe(true)
    expect(isStillVerbatim(excerpt, 'Dr. Daniel rushed me. He fixed my desk posture.')).toBe(false)
  })
})

describe('the name under a testimonial', () => {
  const now = new Date('2026-11-20T00:00:00Z')
  const authorization = { signedBy: 'Myra Kowalski', signedName: 'Myra Kowalski', signedAt: new Date('2026-01-01'), expiresAt: null, revokedAt: null }

  it('is "Verified patient" without a signed authorization', () => {
    expect(attributionFor('Myra Kowalski', null, now)).toBe(VERIFIED_PATIENT)
  })

  it('is first name and last initial with a valid authorization, never the full name', () => {
    expect(attributionFor('Myra Kowalski', authorization, now)).toBe('Myra K.')
    expect(shortName('  jean-luc   de la Tour ')).toBe('jean-luc T.')
    expect(shortName('Cher')).toBe('Cher')
    expect(shortName('')).toBe('A Google User')
  })

  it('goes back to "Verified patient" when the authorization expires or is revoked', () => {
    expect(attributionFor('Myra Kowalski', { ...authorization, expiresAt: new Date('2026-06-01') }, now)).toBe(VERIFIED_PATIENT)
    expect(attributionFor('Myra Kowalski', { ...authorization, revokedAt: new Date('2026-11-19') }, now)).toBe(VERIFIED_PATIENT)
  })
})

describe('issue 13: grapheme clusters and the name signed for', () => {
  it('snaps a cut inside an emoji sequence or between a letter and its accent to whole characters', () => {
    expect(cutExcerpt('Great 👍🏽 care', 0, 7).text).toBe('Great 👍🏽')
    const nurse = 'Dr. 👩‍⚕️ Lee was kind'
    expect(cutExcerpt(nurse, 6, nurse.length)).toEqual({ start: 4, end: nurse.length, text: '👩‍⚕️ Lee was kind' })
    const accent = 'Cafe\u0301 staff'
    expect(cutExcerpt(accent, 0, 4).text).toBe('Cafe\u0301')
    expect(cutExcerpt('Plain words here', 0, 11).text).toBe('Plain words')
  })

  it('shows the signed name only while the review is still by that person', () => {
    const now = new Date('2026-11-20T00:00:00Z')
    const signed = { signedBy: 'Myra Kowalski', signedName: 'Myra Kowalski', signedAt: new Date('2026-01-01'), expiresAt: null, revokedAt: null }
    expect(attributionFor('  myra   KOWALSKI ', signed, now)).toBe('Myra K.')
    expect(attributionFor('Bob Underwood', signed, now)).toBe(VERIFIED_PATIENT)
    expect(attributionFor(null, signed, now)).toBe(VERIFIED_PATIENT)
    expect(attributionFor('Myra Kowalski', { ...signed, signedName: null }, now)).toBe(VERIFIED_PATIENT)
  })
})
