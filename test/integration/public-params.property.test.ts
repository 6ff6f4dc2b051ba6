import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startPipeline, type Pipeline } from '../support/pipeline.ts'
import { publishOneReviewFeed } from '../support/one-review-feed.ts'
import { removeKeys, uniquePrefix } from '../support/redis.ts'
import { createTempDatabase, type TempDatabase } from '../support/temp-db.ts'

// Issue 13: any query string on a public route gets a page or a 4xx naming what was wrong, never a 500.

const NOW = new Date('2026-11-20T12:00:00Z')
const prefix = uniquePrefix('public-params')

const PUBLIC_PATHS = ['/api/public/v1/collections/home.json', '/api/public/v1/collections/home.html', '/embed/home', '/reviews/clinic', '/widget.js']
const KNOWN_NAMES = ['layout', 'max', 'theme', 'sort', 'cursor', 'q', 'page', 'limit', 'LAYOUT', 'Theme']
const VALUES = fc.oneof(
  fc.constantFrom('list', 'grid', 'carousel', 'badge', 'newest', 'oldest', 'highest', 'lowest', '6', '0', '51', '-1', '1e3', 'never-rushed', 'posture,gentle', '', 'null'),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
)
/** A query string: known and unknown names, encoded values, now and then a raw malformed escape. */
const QUERY = fc
  .tuple(
    fc.array(fc.tuple(fc.oneof(fc.constantFrom(...KNOWN_NAMES), fc.string({ minLength: 1, maxLength: 8 })), VALUES), { maxLength: 5 }),
    fc.constantFrom('', '', '', '%', '%zz', '%E0%A4%A', '&&', '=x'),
  )
  .map(([pairs, raw]) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&') + raw)

describe('public routes under generated query strings', () => {
  let temp: TempDatabase
  let pipeline: Pipeline

  beforeAll(async () => {
    temp = await createTempDatabase()
    pipeline = await startPipeline(temp.db, prefix, () => NOW)
    pipeline.api.feeds.put(await publishOneReviewFeed(temp, pipeline, NOW))
  })
  afterAll(async () => {
    await pipeline.close()
    await temp.remove()
    await removeKeys(prefix)
  })

  it('answers every generated query with a page or a 4xx that names what was wrong, never a 5xx', async () => {
    const seen = new Set<number>()
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PUBLIC_PATHS), QUERY, async (path, query) => {
        const response = await fetch(`${pipeline.api.url}${path}?${query}`)
        const body = await response.text()
        seen.add(response.status)
        expect(response.status, `${path}?${query}`).toBeLessThan(500)
        if (response.status >= 400) {
          // The message names a parameter of the query, or says which part could not be read.
          expect(body, `${path}?${query}`).toMatch(/layout|max|theme|sort|cursor|parameter|query|encod|percent|URI/i)
        }
      }),
      { numRuns: 300, seed: 13 },
    )
    // The generator reaches both sides: accepted pages and refused queries.
    expect(seen.has(200)).toBe(true)
    expect([...seen].some((status) => status >= 400 && status < 500)).toBe(true)
  })

  it('serves the same feed bytes whatever unknown parameters a crawler adds to the JSON feed', async () => {
    const plain = await (await fetch(`${pipeline.api.url}/api/public/v1/collections/home.json`)).text()
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 10 }), fc.string({ maxLength: 10 }), async (name, value) => {
        const response = await fetch(`${pipeline.api.url}/api/public/v1/collections/home.json?${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
        expect(response.status).toBe(200)
        expect(await response.text()).toBe(plain)
      }),
      { numRuns: 50, seed: 13 },
    )
  })
})
