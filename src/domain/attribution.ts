/** A patient-signed permission to show their name (HIPAA). Without one the name is never shown. */
export interface PatientAuthorization {
  signedBy: string
  /** The reviewer name the patient signed for (null: none); shown only while the review's author is still that name. */
  signedName: string | null
  signedAt: Date
  expiresAt: Date | null
  revokedAt: Date | null
}

export const VERIFIED_PATIENT = 'Verified patient'
/** How Google itself names a reviewer who chose to stay anonymous; the one spelling Plaudit stores and shows. */
export const ANONYMOUS_REVIEWER = 'A Google User'

/** "Myra Kowalski" → "Myra K.": first name and last initial, never the full name. */
export function shortName(author: string | null): string {
  const words = (author ?? '').trim().split(/\s+/).filter(Boolean)
  const first = words[0]
  if (first === undefined) return ANONYMOUS_REVIEWER
  const last = words.length > 1 ? words[words.length - 1] : undefined
  const initial = last ? Array.from(last)[0]?.toLocaleUpperCase() : undefined
  return initial ? `${first} ${initial}.` : first
}

export function isAuthorizationValid(authorization: PatientAuthorization | null, now: Date): boolean {
  if (!authorization) return false
  if (authorization.revokedAt && authorization.revokedAt <= now) return false
  if (authorization.expiresAt && authorization.expiresAt <= now) return false
  return authorization.signedAt <= now
}

/** Whether two spellings name the same reviewer: case, spacing and Unicode composition aside. */
export function sameReviewerName(a: string | null, b: string | null): boolean {
  const normal = (name: string | null) => (name ?? '').normalize('NFC').trim().split(/\s+/).filter(Boolean).join(' ').toLocaleLowerCase()
  return normal(a) !== '' && normal(a) === normal(b)
}

/**
 * The name shown under a testimonial on the practice's own site. The authorization belongs to the
 * testimonial and names who it was signed for: if the review's author is no longer that name (a
 * source or a file changed it), the name is withdrawn until someone authorizes again.
 */
export function attributionFor(author: string | null, authorization: PatientAuthorization | null, now: Date): string {
  if (!authorization || !isAuthorizationValid(authorization, now) || !sameReviewerName(authorization.signedName, author)) return VERIFIED_PATIENT
  return shortName(authorization.signedName)
}
