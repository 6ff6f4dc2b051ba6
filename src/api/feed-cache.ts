import { EventEmitter } from 'node:events'
import { gzipSync } from 'node:zlib'
import type { Db } from '../db/database.ts'
import { loadAllFeeds, loadFeed, type StoredFeed } from '../db/stores/feeds.ts'

export interface CachedFeed {
  etag: string
  body: Buffer
  gzip: Buffer
}

function toCached(feed: StoredFeed): CachedFeed {
  const body = Buffer.from(feed.body)
  return { etag: feed.etag, body, gzip: gzipSync(body, { level: 9 }) }
}

/**
 * The public feeds as ready bytes in memory, compressed once when they change. The request path
 * reads only this map; the database is read when a feed is announced as rebuilt.
 */
export class FeedCache extends EventEmitter<{ reloaded: [slug: string] }> {
  private readonly feeds = new Map<string, CachedFeed>()

  constructor(private readonly db: Db) {
    super()
  }

  loadAll(): void {
    for (const feed of loadAllFeeds(this.db)) this.feeds.set(feed.slug, toCached(feed))
  }

  put(feed: StoredFeed): void {
    this.feeds.set(feed.slug, toCached(feed))
  }

  /** Reads the feed a worker (or another API process) has just rebuilt. */
  reload(slug: string): void {
    const feed = loadFeed(this.db, slug)
    if (feed) this.put(feed)
    else this.feeds.delete(slug)
    this.emit('reloaded', slug)
  }

  get(slug: string): CachedFeed | undefined {
    return this.feeds.get(slug)
  }
}
