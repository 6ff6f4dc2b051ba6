import { createHash } from 'node:crypto'
import { buildPublicFeed } from '../domain/feed.ts'
import type { Db } from '../db/database.ts'
import { feedInputFor, loadFeed, saveFeed, type StoredFeed } from '../db/stores/feeds.ts'

/** A strong ETag from the bytes themselves: equal bytes, equal tag, in any process. */
export function etagOf(body: string | Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`
}

/**
 * Rebuilds the public feed of a collection from the database and stores the ready bytes.
 * Returns null when the collection does not exist. When nothing changed the stored feed is kept,
 * so its ETag (and every cache holding it) stays valid.
 */
export function publishFeed(db: Db, slug: string, now: Date): StoredFeed | null {
  const input = feedInputFor(db, slug, now)
  if (!input) return null
  const body = JSON.stringify(buildPublicFeed(input, now))
  const etag = etagOf(body)
  const current = loadFeed(db, slug)
  if (current && current.etag === etag) return current
  const feed: StoredFeed = { slug, body, etag, builtAt: now }
  saveFeed(db, feed)
  return feed
}
