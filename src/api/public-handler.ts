import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FeedCache } from './feed-cache.ts'

/**
 * Browsers and CDNs may show a feed for a minute without asking, then revalidate with the ETag
 * (a 304 costs a few bytes) while serving the old copy for up to ten minutes if we are slow.
 */
export const FEED_CACHE_CONTROL = 'public, max-age=60, stale-while-revalidate=600'

const FEED_PATH = /^\/api\/public\/v1\/collections\/([a-z0-9][a-z0-9-]{0,63})(?:\.json)?$/

export interface ReadyAsset {
  contentType: string
  etag: string
  body: Buffer
  gzip: Buffer
  cacheControl: string
}

/**
 * The public read path, answered ahead of Express from bytes prepared in advance: no database,
 * no routing stack. Returns false for every other request, which then goes to the Express app.
 */
export function createPublicHandler(feeds: FeedCache, assets: Map<string, ReadyAsset>) {
  return function handlePublicRead(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false
    const url = req.url ?? '/'
    const queryAt = url.indexOf('?')
    const path = queryAt === -1 ? url : url.slice(0, queryAt)

    const asset = assets.get(path)
    if (asset) {
      send(req, res, asset)
      return true
    }
    const match = FEED_PATH.exec(path)
    if (!match) return false
    const feed = feeds.get(match[1]!)
    if (!feed) {
      res.writeHead(404, { 'content-type': 'application/json; charset=utf-8', 'access-control-allow-origin': '*', 'cache-control': 'no-store' })
      res.end(JSON.stringify({ error: 'not_found', message: `no published collection "${match[1]}"` }))
      return true
    }
    send(req, res, { ...feed, contentType: 'application/json; charset=utf-8', cacheControl: FEED_CACHE_CONTROL })
    return true
  }
}

function send(req: IncomingMessage, res: ServerResponse, asset: ReadyAsset): void {
  const headers: Record<string, string | number> = {
    etag: asset.etag,
    'cache-control': asset.cacheControl,
    'access-control-allow-origin': '*',
    vary: 'Accept-Encoding',
    'x-content-type-options': 'nosniff',
  }
  if (matchesEtag(req.headers['if-none-match'], asset.etag)) {
    res.writeHead(304, headers)
    res.end()
    return
  }
  const gzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '')
  const body = gzip ? asset.gzip : asset.body
  headers['content-type'] = asset.contentType
  headers['content-length'] = body.length
  if (gzip) headers['content-encoding'] = 'gzip'
  res.writeHead(200, headers)
  res.end(req.method === 'HEAD' ? undefined : body)
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false
  if (header.trim() === '*') return true
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag)
}
