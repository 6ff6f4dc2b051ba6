import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { etagOf } from '../services/feed-publisher.ts'
import { precompress } from './feed-cache.ts'
import type { ReadyAsset } from './public-handler.ts'

const staticDir = join(dirname(fileURLToPath(import.meta.url)), 'static')

const PUBLIC_FILES = [
  { path: '/widget.js', file: 'widget.js', contentType: 'text/javascript; charset=utf-8' },
  { path: '/favicon.svg', file: 'favicon.svg', contentType: 'image/svg+xml' },
]

/**
 * Public static files, read and compressed once at start-up. Browsers use them for five minutes,
 * then revalidate; a day of staleness is allowed while the server is being asked.
 */
export function loadPublicAssets(): Map<string, ReadyAsset> {
  return new Map(
    [...PUBLIC_FILES.map((f) => ({ ...f, file: join(staticDir, f.file) })), ...DASHBOARD_FILES].map(({ path, file, contentType }) => {
      const body = readFileSync(file)
      return [path, { contentType, etag: etagOf(body), body, ...precompress(body), cacheControl: 'public, max-age=300, stale-while-revalidate=86400' }]
    }),
  )
}

// ---- issue 8: dashboard assets -----------------------------------------------------------------
// uPlot is copied from node_modules into memory at start-up and served from here: nothing comes
// from a CDN, and the page's CSP allows scripts and styles from our own origin only.
const requireFromHere = createRequire(import.meta.url)
const uplotDir = dirname(requireFromHere.resolve('uplot/dist/uPlot.iife.min.js'))

const DASHBOARD_FILES = [
  { path: '/assets/uplot.min.js', file: join(uplotDir, 'uPlot.iife.min.js'), contentType: 'text/javascript; charset=utf-8' },
  { path: '/assets/uplot.min.css', file: join(uplotDir, 'uPlot.min.css'), contentType: 'text/css; charset=utf-8' },
  { path: '/assets/dashboard.js', file: join(staticDir, 'dashboard.js'), contentType: 'text/javascript; charset=utf-8' },
  { path: '/assets/dashboard.css', file: join(staticDir, 'dashboard.css'), contentType: 'text/css; charset=utf-8' },
]
