import { readFileSync } from 'node:fs'
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
    PUBLIC_FILES.map(({ path, file, contentType }) => {
      const body = readFileSync(join(staticDir, file))
      return [path, { contentType, etag: etagOf(body), body, ...precompress(body), cacheControl: 'public, max-age=300, stale-while-revalidate=86400' }]
    }),
  )
}
