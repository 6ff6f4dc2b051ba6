import { createHash } from 'node:crypto'

/** Identifies one revision of a review: an edit to the text or the rating changes it. */
export function contentHash(rating: number, text: string): string {
  return createHash('sha256').update(`${rating}\n${text}`).digest('base64url').slice(0, 22)
}
