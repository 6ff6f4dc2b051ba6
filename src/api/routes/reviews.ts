import { Router, type RequestHandler } from 'express'
import { z } from 'zod'
import { POLARITIES } from '../../domain/review.ts'
import type { Db } from '../../db/database.ts'
import { getLocation } from '../../db/stores/locations.ts'
import { listReviews, REVIEW_SORTS, type ReviewCursor } from '../../db/stores/review-list.ts'
import { handle, HttpError, parseOr400 } from '../http.ts'

const cursorSchema = z.object({ createdAt: z.string().max(40), rating: z.number().int().min(1).max(5), id: z.string().max(64) })

function decodeCursor(value: string, ctx: z.RefinementCtx): ReviewCursor {
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')))
  } catch {
    ctx.addIssue({ code: 'custom', message: 'is not a cursor returned by this endpoint' })
    return z.NEVER
  }
}

export function encodeCursor(cursor: ReviewCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url')
}

/** The full review list with reviewer names, external ids and links: behind `requireRead`. */
export function reviewRoutes(db: Db, themeIds: string[], requireRead: RequestHandler): Router {
  const querySchema = z.strictObject({
    theme: z.enum(themeIds as [string, ...string[]]).optional(),
    polarity: z.enum(POLARITIES).optional(),
    rating: z.enum(['1', '2', '3', '4', '5']).transform(Number).optional(),
    q: z.string().trim().min(1).max(200).optional(),
    sort: z.enum(REVIEW_SORTS).default('newest'),
    limit: z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().min(1).max(100)).default(20),
    cursor: z.string().max(400).transform(decodeCursor).optional(),
  })

  const router = Router()
  router.get(
    '/locations/:locationId/reviews',
    requireRead,
    handle(async (req) => {
      const query = parseOr400(querySchema, req.query as Record<string, unknown>)
      const locationId = req.params.locationId as string
      if (!(await getLocation(db, locationId))) throw new HttpError(404, 'not_found', `location "${locationId}" does not exist`)
      const page = await listReviews(db, { locationId, ...query, text: query.q })
      return {
        reviews: page.reviews.map((r) => ({
          id: r.id,
          source: r.source,
          externalId: r.externalId,
          author: r.author,
          rating: r.rating,
          text: r.text,
          url: r.url,
          createdAt: r.createdAt.toISOString(),
          revision: r.revision,
          themes: r.themes,
        })),
        nextCursor: page.nextCursor ? encodeCursor(page.nextCursor) : null,
      }
    }),
  )
  return router
}
