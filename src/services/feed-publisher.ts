import { createHash } from 'node:crypto'
import { buildPublicFeed } from '../domain/feed.ts'
import type { Db } from '../db/database.ts'
import { feedInputFor, loadFeed, saveFeed, type StoredFeed } from '../db/stores/feeds.ts'

/** A strong ETag from the bytes themselves: equal bytes, equal tag, in any process. */
export function etagOf(body: string | Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`
}

/** How often a rebuild writes again because the data changed under it (see publishFeed). */
const MAX_REWRITES = 5

/**
 * Rebuilds the public feed of a collection from the database and stores the ready bytes.
 * Returns null when the collection does not exist. When nothing changed the stored feed is kept,
 * so its ETag (and every cache holding it) stays valid.
 *
 * Several processes may rebuild the same feed at once (a worker's job and an API's republish), and
 * the reads are no longer one synchronous step: a rebuild that read the data before a change could
 * save its bytes after the rebuild that saw the change. So whoever writes reads the data again
 * afterwards and writes once more if it no longer gives the same bytes; the last writer always
 * checks after its write, so the stored feed ends up built from the latest data.
 */
export async function publishFeed(db: Db, slug: string, now: Date): Promise<StoredFeed | null> {
  let feed = await buildFeed(db, slug, now)
  if (!feed) return null
  const current = await loadFeed(db, slug)
  if (current && current.etag === feed.etag) return current
  for (let writes = 1; ; writes++) {
    await saveFeed(db, feed)
    const again = await buildFeed(db, slug, now)
    // The collection was deleted meanwhile, or the data still gives these bytes: done.
    if (!again || again.etag === feed.etag || writes >= MAX_REWRITES) return feed
    feed = again
  }
}

async function buildFeed(db: Db, slug: string, now: Date): Promise<StoredFeed | null> {
  const input = await feedInputFor(db, slug, now)
  if (!input) return null
  const body = JSON.stringify(buildPublicFeed(input, now))
  return { slug, body, etag: etagOf(body), builtAt: now }
}
