import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadPublicAssets } from '../../src/api/assets.ts'

const WIDGET = resolve(import.meta.dirname, '../../src/api/static/widget.js')

describe('widget.js as served', () => {
  // Compression is deterministic, so the budget of issue 7 can be a plain test.
  it('weighs at most 10 KB gzipped, and less with brotli', () => {
    const asset = loadPublicAssets().get('/widget.js')!
    expect(asset.body).toEqual(readFileSync(WIDGET))
    expect(asset.gzip.length).toBeLessThanOrEqual(10 * 1024)
    expect(asset.brotli.length).toBeLessThan(asset.gzip.length)
  })

  it('never writes HTML from data and never touches cookies or storage', () => {
    const source = readFileSync(WIDGET, 'utf8')
    expect(source).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|document\.cookie|localStorage|sessionStorage|eval\(|new Function/)
    expect(source.match(/fetch\(/g)).toHaveLength(1)
  })
})
