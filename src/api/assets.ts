import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { etagOf } from '../services/feed-publisher.ts'
import type { ReadyAsset } from './public-handler.ts'

const staticDir = join(dirname(fileURLToPath(import.meta.url)), 'static')

/** Public static files, read and compressed once at start-up. */
export function loadPublicAssets(): Map<string, ReadyAsset> {
  const body = readFileSync(join(staticDir, 'widget.js'))
  return new Map([
    [
      '/widget.js',
      {
        contentType: 'text/javascript; charset=utf-8',
        etag: etagOf(body),
        body,
        gzip: gzipSync(body, { level: 9 }),
        cacheControl: 'public, max-age=300, stale-while-revalidate=86400',
      },
    ],
  ])
}
