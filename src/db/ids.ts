import { createHash, randomUUID } from 'node:crypto'

/**
 * The id a new review is given, from its natural key (location, source, external id): the same
 * external id in two locations is two reviews. Rows are always found by that natural key, never by
 * recomputing this: reviews stored before issue 13 keep their older ids, derived without the location.
 */
export function reviewIdFor(locationId: string, source: string, externalId: string): string {
  // Length-prefixed parts, so no choice of ids can make two different keys hash the same input.
  const key = [locationId, source, externalId].map((part) => `${part.length}:${part}`).join('')
  return 'rv_' + createHash('sha256').update(key).digest('base64url').slice(0, 20)
}

export function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replaceAll('-', '')}`
}
