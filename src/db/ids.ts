import { createHash, randomUUID } from 'node:crypto'

/** A review's id follows from its natural key, so re-importing or re-syncing finds the same row. */
export function reviewIdFor(source: string, externalId: string): string {
  return 'rv_' + createHash('sha256').update(`${source}\u0000${externalId}`).digest('base64url').slice(0, 20)
}

export function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replaceAll('-', '')}`
}
