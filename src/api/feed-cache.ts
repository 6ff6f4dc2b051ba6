import { EventEmitter } from 'node:events'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import type { Db } from '../db/database.ts'
import { loadAllFeeds, loadFeed, type StoredFeed } from '../db/stores/feeds.ts'
import type { PublicFeed } from '../domain/feed.ts'
import { etagOf } from '../services/feed-publisher.ts'

import { FEED_CACHE_CONTROL, type ReadyAsset } from './public-handler.ts'

const MAX_RENDERINGS_PER_FEED = 200

export type CachedFeed = ReadyAsset

function toCached(feed: StoredFeed): CachedFeed {
  const body = Buffer.from(feed.body)
  return { etag: feed.etag, body, ...precompress(body), contentType: 'application/json; charset=utf-8', cacheControl: FEED_CACHE_CONTROL }
}

/** Both encodings at their best level, once per change, so a request never compresses. */
export function precompress(body: Buffer): { gzip: Buffer; brotli: Buffer } {
  return {
    gzip: gzipSync(body, { level: 9 }),
    brotli: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
  }
}

/**
 * The public feeds as ready bytes in memory, compressed once when they change. The request path
 * reads only this map, synchronously; the database is read (asynchronously) when a feed is
 * announced as rebuilt, and the request path keeps serving the previous bytes until it is read.
 */
export class FeedCache extends EventEmitter<{ reloaded: [slug: string] }> {
  private readonly feeds = new Map<string, CachedFeed>()
  /** Renderings of a feed (HTML fragment, iframe page) made on first request, dropped when it changes. */
  private readonly renderings = new Map<string, Map<string, CachedFeed>>()
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
    this.renderings.delete(feed.slug)
  }

  /** A rendering of the current feed, made once per variant and kept until the feed changes. */
  rendering(slug: string, variant: string, render: (feed: PublicFeed) => string): CachedFeed | undefined {
    const feed = this.feeds.get(slug)
    if (!feed) return undefined
    let variants = this.renderings.get(slug)
    if (!variants) this.renderings.set(slug, (variants = new Map()))
    let ready = variants.get(variant)
    if (!ready) {
      // Variants come from query strings; a bound keeps a crawler from filling memory.
      if (variants.size >= MAX_RENDERINGS_PER_FEED) variants.clear()
      const body = Buffer.from(render(JSON.parse(feed.body.toString('utf8')) as PublicFeed))
      ready = { etag: etagOf(body), body, ...precompress(body), contentType: 'text/html; charset=utf-8', cacheControl: FEED_CACHE_CONTROL }
      variants.set(variant, ready)
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
    this.renderings.delete(slug)
    this.emit('reloaded', slug)
  }

  get(slug: string): CachedFeed | undefined {
    return this.feeds.get(slug)
  }
}
