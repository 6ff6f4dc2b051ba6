import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FeedCache } from './feed-cache.ts'
import { EMBED_CSP, HTML_LAYOUTS, renderEmbedPage, renderFeedHtml, type HtmlLayout, type HtmlOptions } from './render-feed.ts'

/**
 * Browsers and CDNs keep the feed but ask before each use (a 304 of a few bytes, answered from
 * memory at the speed of a bare server), so a withdrawn testimonial is gone on the very next page
 * load rather than a minute later. If we are down, a CDN may serve its copy for a day.
 * The reasoning is in the README ("Caching").
 */
export const FEED_CACHE_CONTROL = 'public, max-age=0, must-revalidate, stale-if-error=86400'

const FEED_PATH = /^\/api\/public\/v1\/collections\/([a-z0-9][a-z0-9-]{0,63})(?:\.json)?$/
const HTML_PATH = /^\/api\/public\/v1\/collections\/([a-z0-9][a-z0-9-]{0,63})\.html$/
const EMBED_PATH = /^\/embed\/([a-z0-9][a-z0-9-]{0,63})$/
const EMBED_HEADERS = { 'content-security-policy': EMBED_CSP, 'referrer-policy': 'no-referrer' }
/** The .html fragment is markup to paste or fetch at build time; opened directly, it may run and load nothing. */
export const FEED_HTML_CSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
const FEED_HTML_HEADERS = { 'content-security-policy': FEED_HTML_CSP }
const THEME = /^[a-z0-9][a-z0-9-]{0,39}$/

export interface ReadyAsset {
  contentType: string
  etag: string
  body: Buffer
  gzip: Buffer
  brotli: Buffer
  cacheControl: string
}

/**
 * The public read path, answered ahead of Express from bytes prepared in advance: no database,
 * no routing stack. Returns false for every other request, which then goes to the Express app.
 */
export function createPublicHandler(feeds: FeedCache, assets: Map<string, ReadyAsset>, publicBaseUrl: string) {
  // Links in a fragment pasted elsewhere must be absolute; they come from the configured address,
  // never from the request's Host header (issue 13: `Host: evil.example` ended up in the links).
  const origin = new URL('/', publicBaseUrl).href
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
    if (match) {
      const feed = feeds.get(match[1]!)
      if (!feed) return notFound(res, match[1]!)
      send(req, res, feed)
      return true
    }
    const html = HTML_PATH.exec(path) ?? EMBED_PATH.exec(path)
    if (!html) return false
    const slug = html[1]!
    const embed = path.startsWith('/embed/')
    const options = htmlOptions(origin, queryAt === -1 ? '' : url.slice(queryAt + 1))
    if (typeof options === 'string') {
      res.writeHead(400, { 'content-type': 'application/json; charset=utf-8', 'access-control-allow-origin': '*', 'cache-control': 'no-store' })
      res.end(JSON.stringify({ error: 'invalid_request', message: options }))
      return true
    }
    // Keyed on the parsed values, so parameter order, case, repeats and unknown parameters do not
    // make new entries.
    const variant = `${embed ? 'embed' : 'html'} ${options.layout} ${options.max} ${options.themes.join(',')}`
    const ready = feeds.rendering(slug, variant, (feed) => (embed ? renderEmbedPage(feed, options) : renderFeedHtml(feed, options)))
    if (!ready) return notFound(res, slug)
    send(req, res, ready, embed ? EMBED_HEADERS : FEED_HTML_HEADERS)
    return true
  }
}

function notFound(res: ServerResponse, slug: string): true {
  res.writeHead(404, { 'content-type': 'application/json; charset=utf-8', 'access-control-allow-origin': '*', 'cache-control': 'no-store' })
  res.end(JSON.stringify({ error: 'not_found', message: `no published collection "${slug}"` }))
  return true
}

/**
 * layout, max and theme from the query string, normalised (names and values in any case, themes
 * sorted without repeats, other parameters ignored), or a message naming the bad value.
 */
function htmlOptions(origin: string, query: string): HtmlOptions | string {
  const params = new Map<string, string>()
  for (const [key, value] of new URLSearchParams(query)) {
    const name = key.toLowerCase()
    if ((name === 'layout' || name === 'max' || name === 'theme') && !params.has(name)) params.set(name, value.trim().toLowerCase())
  }
  const layout = params.get('layout') || 'list'
  if (!(HTML_LAYOUTS as readonly string[]).includes(layout)) return `layout: must be one of ${HTML_LAYOUTS.join(', ')} (got ${JSON.stringify(layout)})`
  const maxText = params.get('max') || '6'
  const max = /^\d{1,3}$/.test(maxText) ? Number(maxText) : NaN
  if (!(max >= 1 && max <= 50)) return `max: must be a whole number 1..50 (got ${JSON.stringify(maxText)})`
  const themes = [...new Set((params.get('theme') ?? '').split(/[\s,]+/).filter(Boolean))].sort()
  const badTheme = themes.find((t) => !THEME.test(t))
  if (badTheme !== undefined || themes.length > 5) return `theme: must be up to 5 theme ids (got ${JSON.stringify(params.get('theme'))})`
  return { origin, layout: layout as HtmlLayout, max, themes }
}

function send(req: IncomingMessage, res: ServerResponse, asset: ReadyAsset, extra?: Record<string, string>): void {
  const headers: Record<string, string | number> = {
    etag: asset.etag,
    'cache-control': asset.cacheControl,
    'access-control-allow-origin': '*',
    vary: 'Accept-Encoding',
    'x-content-type-options': 'nosniff',
  }
  if (extra) Object.assign(headers, extra)
  if (matchesEtag(req.headers['if-none-match'], asset.etag)) {
    res.writeHead(304, headers)
    res.end()
    return
  }
  const encoding = chooseEncoding(req.headers['accept-encoding'])
  const body = encoding === 'br' ? asset.brotli : encoding === 'gzip' ? asset.gzip : asset.body
  headers['content-type'] = asset.contentType
  headers['content-length'] = body.length
  if (encoding) headers['content-encoding'] = encoding
  res.writeHead(200, headers)
  res.end(req.method === 'HEAD' ? undefined : body)
}

/** Brotli when the client takes it (smaller), else gzip; q=0 refusals are honoured. */
function chooseEncoding(header: string | undefined): 'br' | 'gzip' | null {
  if (!header) return null
  let br = false
  let gzip = false
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.split(';')
    if (params.some((p) => /^\s*q=0(?:\.0*)?\s*$/.test(p))) continue
    const coding = name.trim().toLowerCase()
    if (coding === 'br') br = true
    else if (coding === 'gzip') gzip = true
  }
  return br ? 'br' : gzip ? 'gzip' : null
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false
  if (header.trim() === '*') return true
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag)
}
