import type { RequestHandler } from 'express'
import { z } from 'zod'
import { attributionFor } from '../../domain/attribution.ts'
import type { Db } from '../../db/database.ts'
import { getLocation } from '../../db/stores/locations.ts'
import { listReviews, REVIEW_SORTS, type ReviewCursor } from '../../db/stores/review-list.ts'
import { HttpError, parseOr400 } from '../http.ts'
import { escapeHtml } from '../render-feed.ts'
import { encodeCursor } from './reviews.ts'

export const ALL_REVIEWS_PAGE_SIZE = 20

/** Our own page: no script at all, our stylesheet inline. */
const ALL_REVIEWS_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"

/**
 * Shared caches keep the page at most a minute in all (30 s fresh + 30 s stale while asking
 * again): a review hidden for privacy leaves every cache within a minute. No stale-if-error: an
 * outage must not keep serving a review that was hidden.
 */
export const ALL_REVIEWS_CACHE_CONTROL = 'public, max-age=30, stale-while-revalidate=30'

const cursorSchema = z.object({ createdAt: z.string().max(40), rating: z.number().int().min(1).max(5), id: z.string().max(64) })

export interface AllReviewsOptions {
  db: Db
  themeIds: string[]
  now: () => Date
  /**
   * Off by default. Google does not show review stars for a business's ratings of itself
   * ("self-serving reviews"), and marking them up can cost the page its rich results or draw a
   * manual action; turn on only knowing that (PLAUDIT_RATING_STRUCTURED_DATA=on).
   */
  ratingStructuredData: boolean
}

const humanize = (theme: string) => theme.replace(/-/g, ' ')

/**
 * Every active review of a location, newest first, whatever its rating (FTC 16 CFR 465: no
 * suppression of negative reviews). A visitor may filter by theme and change the order; there is
 * no star filter at all, so nobody can link to a "5-star only" view of it.
 */
export function allReviewsPage(options: AllReviewsOptions): RequestHandler {
  const querySchema = z.strictObject({
    theme: z.enum(options.themeIds as [string, ...string[]]).optional(),
    sort: z.enum(REVIEW_SORTS).default('newest'),
    cursor: z
      .string()
      .max(400)
      .transform((value, ctx): ReviewCursor => {
        try {
          return cursorSchema.parse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')))
        } catch {
          ctx.addIssue({ code: 'custom', message: 'is not a cursor from this page' })
          return z.NEVER
        }
      })
      .optional(),
  })

  return async (req, res) => {
    const query = parseOr400(querySchema, req.query as Record<string, unknown>)
    const locationId = req.params.locationId as string
    const location = await getLocation(options.db, locationId)
    if (!location) throw new HttpError(404, 'not_found', `location "${locationId}" does not exist`)
    const page = await listReviews(options.db, { locationId, theme: query.theme, sort: query.sort, cursor: query.cursor, limit: ALL_REVIEWS_PAGE_SIZE })
    const now = options.now()
    const self = `/reviews/${encodeURIComponent(locationId)}`
    const href = (params: Record<string, string | undefined>) => {
      const search = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined))
      const text = search.toString()
      return escapeHtml(text ? `${self}?${text}` : self)
    }

    const filters = [
      `<a href="${href({ sort: query.sort === 'newest' ? undefined : query.sort })}"${query.theme ? '' : ' aria-current="page"'}>All topics</a>`,
      ...options.themeIds.map(
        (t) => `<a href="${href({ theme: t, sort: query.sort === 'newest' ? undefined : query.sort })}"${query.theme === t ? ' aria-current="page"' : ''}>${escapeHtml(humanize(t))}</a>`,
      ),
    ].join(' ')
    const sorts = REVIEW_SORTS.map((s) => `<a href="${href({ theme: query.theme, sort: s === 'newest' ? undefined : s })}"${query.sort === s ? ' aria-current="page"' : ''}>${s}</a>`).join(' ')
    const items = page.reviews
      .map(
        (r) => `<li><span class="stars" role="img" aria-label="${r.rating} out of 5 stars">${'★'.repeat(r.rating)}${'☆'.repeat(5 - r.rating)}</span>
<p class="text">${escapeHtml(r.text)}</p>
<p class="meta"><bdi>${escapeHtml(attributionFor(r.author, null, now))}</bdi> · <time datetime="${r.createdAt.toISOString().slice(0, 10)}">${r.createdAt.toISOString().slice(0, 10)}</time>${
          Object.keys(r.themes).length ? ` · ${Object.keys(r.themes).sort().map((t) => escapeHtml(humanize(t))).join(', ')}` : ''
        }</p></li>`,
      )
      .join('\n')
    const agg = location.aggregate
    const aggregateLine = agg ? `<p class="agg">${agg.rating.toFixed(1)} ★ average over all ${agg.count} ${agg.source === 'import' ? '' : 'Google '}reviews</p>` : ''
    const structuredData =
      options.ratingStructuredData && agg
        ? `<script type="application/ld+json">${JSON.stringify({
            '@context': 'https://schema.org',
            '@type': 'MedicalBusiness',
            name: location.name,
            aggregateRating: { '@type': 'AggregateRating', ratingValue: agg.rating, reviewCount: agg.count },
          }).replace(/</g, '\\u003c')}</script>`
        : ''
    const next = page.nextCursor ? `<a rel="next" href="${href({ theme: query.theme, sort: query.sort === 'newest' ? undefined : query.sort, cursor: encodeCursor(page.nextCursor) })}">Older reviews →</a>` : ''
    const first = query.cursor ? `<a href="${href({ theme: query.theme, sort: query.sort === 'newest' ? undefined : query.sort })}">← First page</a>` : ''
    res
      .status(200)
      .set({ 'content-type': 'text/html; charset=utf-8', 'content-security-policy': ALL_REVIEWS_CSP, 'x-content-type-options': 'nosniff', 'cache-control': ALL_REVIEWS_CACHE_CONTROL })
      .send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>All reviews of ${escapeHtml(location.name)}</title>${structuredData}
<style>:root{color-scheme:light dark}body{font:16px/1.5 system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem}
nav{margin:.5rem 0}nav a{margin-right:.5rem}[aria-current]{font-weight:700}ul{list-style:none;padding:0}li{border-bottom:1px solid #ccc;padding:.75rem 0;overflow-wrap:anywhere}
.text{margin:.25rem 0;unicode-bidi:plaintext}.meta,.agg{opacity:.8;font-size:.9em;margin:0}bdi{unicode-bidi:isolate}.stars{color:#9a5b00}</style></head>
<body><main><h1>All reviews of ${escapeHtml(location.name)}</h1>${aggregateLine}
<p>Every review, whatever its rating, as the patient wrote it.</p>
<nav aria-label="Topics">Topic: ${filters}</nav><nav aria-label="Order">Order: ${sorts}</nav>
<ul>${items || '<li>No reviews on this topic yet.</li>'}</ul>
<nav aria-label="Pages">${first} ${next}</nav></main></body></html>`)
  }
}
