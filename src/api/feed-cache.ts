import { EventEmitter } from 'node:events'
import { LRUCache } from 'lru-cache'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import type { Db } from '../db/database.ts'
import { loadAllFeeds, loadFeed, type StoredFeed } from '../db/stores/feeds.ts'
import type { PublicFeed } from '../domain/feed.ts'
import { etagOf } from '../services/feed-publisher.ts'

import { FEED_CACHE_CONTROL, type ReadyAsset } from './public-handler.ts'

/** Renderings (HTML fragment, iframe page) of every feed kept at once; the least recently used goes first. */
const MAX_RENDERINGS = 2000

export type CachedFeed = ReadyAsset

function toCached(feed: StoredFeed): CachedFeed {
  const body = Buffer.from(feed.body)
  return { etag: feed.etag, body, ...precompress(body), contentType: 'application/json; charset=utf-8', cacheControl: FEED_CACHE_CONTROL }
}

/** Both encodings at their best level, once per change of a feed, so a request never compresses. */
export function precompress(body: Buffer): { gzip: Buffer; brotli: Buffer } {
  return {
    gzip: gzipSync(body, { level: 9 }),
    brotli: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
  }
}

/**
 * A rendering is compressed on the request that first asks for it: levels that cost well under a
 * millisecond (brotli 11 took several), a few percent larger.
 */
export function compressQuickly(body: Buffer): { gzip: Buffer; brotli: Buffer } {
  return {
    gzip: gzipSync(body, { level: 6 }),
    brotli: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 4, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
  }
}

/**
 * The public feeds as ready bytes in memory, compressed once when they change. The request path
 * reads only this map, synchronously; the database is read (asynchronously) when a feed is
 * announced as rebuilt, and the request path keeps serving the previous bytes until it is read.
 */
export class FeedCache extends EventEmitter<{ reloaded: [slug: string] }> {
  private readonly feeds = new Map<string, CachedFeed>()
  /**
   * Renderings made on first request, keyed by the feed's ETag and the variant: a changed feed
   * is never served from an old rendering, and old ones age out. Bounded, so a crawler cycling
   * query strings costs memory of at most MAX_RENDERINGS pages and evicts only the coldest.
   */
  private readonly renderings = new LRUCache<string, CachedFeed>({ max: MAX_RENDERINGS })
  /** Bumped by every put and reload of a slug: a read that finishes after a newer one started is stale. */
  private readonly versions = new Map<string, number>()
  /** The version each slug's latest reload started at. */
  private readonly latestReload = new Map<string, number>()

  constructor(private readonly db: Db) {
    super()
  }

  async loadAll(): Promise<void> {
    for (const feed of await loadAllFeeds(this.db)) this.feeds.set(feed.slug, toCached(feed))
  }

  private bump(slug: string): number {
    const version = (this.versions.get(slug) ?? 0) + 1
    this.versions.set(slug, version)
    return version
  }

  put(feed: StoredFeed): void {
    this.bump(feed.slug)
    this.feeds.set(feed.slug, toCached(feed))
  }

  /** A rendering of the current feed, made once per variant and kept until the feed changes. */
  rendering(slug: string, variant: string, render: (feed: PublicFeed) => string): CachedFeed | undefined {
    const feed = this.feeds.get(slug)
    if (!feed) return undefined
    const key = `${feed.etag} ${variant}`
    let ready = this.renderings.get(key)
    if (!ready) {
      const body = Buffer.from(render(JSON.parse(feed.body.toString('utf8')) as PublicFeed))
      ready = { etag: etagOf(body), body, ...compressQuickly(body), contentType: 'text/html; charset=utf-8', cacheControl: FEED_CACHE_CONTROL }
      this.renderings.set(key, ready)
    }
    return ready
  }

  /** Reads the feed a worker (or another API process) has just rebuilt. */
  async reload(slug: string): Promise<void> {
    const version = this.bump(slug)
    this.latestReload.set(slug, version)
    const feed = await loadFeed(this.db, slug)
    if (this.versions.get(slug) !== version) {
      // Two announcements of one feed can be read out of order: only the latest read is kept, so
      // older bytes never replace newer ones. A reload started later will announce itself; after
      // a put (this process rebuilt it), the cache already holds the newest bytes.
      if (this.latestReload.get(slug) === version) this.emit('reloaded', slug)
      return
    }
    if (feed) this.put(feed)
    else this.feeds.delete(slug)
    this.emit('reloaded', slug)
  }

  /** How many renderings are held (bounded by MAX_RENDERINGS). */
  get renderingCount(): number {
    return this.renderings.size
  }

  get(slug: string): CachedFeed | undefined {
    return this.feeds.get(slug)
  }
}
