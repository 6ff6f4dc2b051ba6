import { createHash } from 'node:crypto'
import { buildPublicFeed } from '../domain/feed.ts'
import type { Db } from '../db/database.ts'
import { feedInputFor, loadFeed, lockFeedForRebuild, saveFeed, type StoredFeed } from '../db/stores/feeds.ts'

/** A strong ETag from the bytes themselves: equal bytes, equal tag, in any process. */
export function etagOf(body: string | Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`
}

/** A published feed, and whether this rebuild changed its bytes (only then is it announced). */
export type PublishedFeed = StoredFeed & { changed: boolean }

/**
 * Rebuilds the public feed of a collection from the database and stores the ready bytes.
 * Returns null when the collection does not exist. When nothing changed the stored feed is kept,
 * so its ETag (and every cache holding it) stays valid.
 *
 * Several processes may rebuild the same feed at once (a worker's job and an API's republish).
 * Rebuilds of one feed take turns (a lock per feed, held to the end of the transaction), and each
 * reads the data after the previous one wrote: a rebuild that read the data before a change can
 * never save its bytes after the rebuild that saw the change.
 */
export async function publishFeed(db: Db, slug: string, now: Date): Promise<PublishedFeed | null> {
  return db.transaction(async (tx) => {
    await lockFeedForRebuild(tx, slug)
    const input = await feedInputFor(tx, slug, now)
    if (!input) return null
    const body = JSON.stringify(buildPublicFeed(input, now))
    const etag = etagOf(body)
    const current = await loadFeed(tx, slug)
    if (current && current.etag === etag) return { ...current, changed: false }
    const feed: StoredFeed = { slug, body, etag, builtAt: now }
    await saveFeed(tx, feed)
    return { ...feed, changed: true }
  })
}
