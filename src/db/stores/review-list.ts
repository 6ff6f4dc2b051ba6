import { and, asc, desc, eq, exists, gt, lt, notExists, or, sql, type SQL } from 'drizzle-orm'
import type { Polarity, Review } from '../../domain/review.ts'
import type { Db } from '../database.ts'
import { reviewHides, reviews, reviewThemes } from '../schema.ts'
import { toReview } from './reviews.ts'

export const REVIEW_SORTS = ['newest', 'oldest', 'highest', 'lowest'] as const
export type ReviewSort = (typeof REVIEW_SORTS)[number]

export interface ReviewListParams {
  locationId: string
  theme?: string
  polarity?: Polarity
  rating?: number
  text?: string
  sort: ReviewSort
  limit: number
  /** Opaque, from the previous page's nextCursor. */
  cursor?: ReviewCursor
}

/** Where the previous page stopped: the sort key of its last review. */
export interface ReviewCursor {
  createdAt: string
  rating: number
  id: string
}

export interface ReviewPage {
  reviews: Review[]
  nextCursor: ReviewCursor | null
}

export function listReviews(db: Db, params: ReviewListParams): ReviewPage {
  const filters: SQL[] = [eq(reviews.locationId, params.locationId), eq(reviews.status, 'active')]
  if (params.rating !== undefined) filters.push(eq(reviews.rating, params.rating))
  if (params.text) filters.push(sql`${reviews.text} like ${`%${escapeLike(params.text)}%`} escape '\\'`)
  if (params.theme || params.polarity) {
    const themeFilters: SQL[] = [eq(reviewThemes.reviewId, reviews.id)]
    if (params.theme) themeFilters.push(eq(reviewThemes.theme, params.theme))
    if (params.polarity) themeFilters.push(eq(reviewThemes.polarity, params.polarity))
    filters.push(exists(db.select({ one: sql`1` }).from(reviewThemes).where(and(...themeFilters))))
  }
  // Issue 6: a review hidden for a reason from the fixed list leaves the public list (never for its rating).
  filters.push(notExists(db.select({ one: sql`1` }).from(reviewHides).where(eq(reviewHides.reviewId, reviews.id))))
  if (params.cursor) filters.push(afterCursor(params.sort, params.cursor))

  const rows = db
    .select()
    .from(reviews)
    .where(and(...filters))
    .orderBy(...orderFor(params.sort))
    .limit(params.limit + 1)
    .all()

  const page = rows.slice(0, params.limit)
  const last = page[page.length - 1]
  const themes = new Map<string, Record<string, Polarity>>()
  if (page.length > 0) {
    const themeRows = db
      .select()
      .from(reviewThemes)
      .where(sql`${reviewThemes.reviewId} in ${page.map((r) => r.id)}`)
      .all()
    for (const t of themeRows) themes.set(t.reviewId, { ...themes.get(t.reviewId), [t.theme]: t.polarity })
  }
  return {
    reviews: page.map((r) => toReview(r, themes.get(r.id) ?? {})),
    nextCursor: rows.length > params.limit && last ? { createdAt: last.createdAt, rating: last.rating, id: last.id } : null,
  }
}

function orderFor(sort: ReviewSort) {
  switch (sort) {
    case 'newest':
      return [desc(reviews.createdAt), desc(reviews.id)]
    case 'oldest':
      return [asc(reviews.createdAt), asc(reviews.id)]
    case 'highest':
      return [desc(reviews.rating), desc(reviews.createdAt), desc(reviews.id)]
    case 'lowest':
      return [asc(reviews.rating), desc(reviews.createdAt), desc(reviews.id)]
  }
}

function afterCursor(sort: ReviewSort, c: ReviewCursor): SQL {
  const olderThan = or(lt(reviews.createdAt, c.createdAt), and(eq(reviews.createdAt, c.createdAt), lt(reviews.id, c.id)))!
  switch (sort) {
    case 'newest':
      return olderThan
    case 'oldest':
      return or(gt(reviews.createdAt, c.createdAt), and(eq(reviews.createdAt, c.createdAt), gt(reviews.id, c.id)))!
    case 'highest':
      return or(lt(reviews.rating, c.rating), and(eq(reviews.rating, c.rating), olderThan))!
    case 'lowest':
      return or(gt(reviews.rating, c.rating), and(eq(reviews.rating, c.rating), olderThan))!
  }
}

function escapeLike(text: string): string {
  return text.replace(/[%_\\]/g, (c) => `\\${c}`)
}
