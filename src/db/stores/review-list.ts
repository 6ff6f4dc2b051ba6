import { sql, type SQL } from 'drizzle-orm'
import type { Polarity, Review } from '../../domain/review.ts'
import { inList, type Db } from '../database.ts'
import type { reviews } from '../schema.ts'
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

type ReviewRow = typeof reviews.$inferSelect

const REVIEW_COLUMNS = sql`r.id, r.location_id as "locationId", r.source, r.external_id as "externalId", r.author, r.rating, r.text, r.url,
  r.created_at as "createdAt", r.updated_at as "updatedAt", r.revision, r.content_hash as "contentHash", r.status,
  r.analyzed_hash as "analyzedHash", r.reply_time as "replyTime"`

export async function listReviews(db: Db, params: ReviewListParams): Promise<ReviewPage> {
  const filters: SQL[] = [sql`r.location_id = ${params.locationId}`, sql`r.status = 'active'`]
  if (params.rating !== undefined) filters.push(sql`r.rating = ${params.rating}`)
  // lower() on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
  if (params.text) filters.push(sql`lower(r.text) like lower(${`%${escapeLike(params.text)}%`}) escape '\\'`)
  if (params.theme || params.polarity) {
    const themeFilters: SQL[] = [sql`t.review_id = r.id`]
    if (params.theme) themeFilters.push(sql`t.theme = ${params.theme}`)
    if (params.polarity) themeFilters.push(sql`t.polarity = ${params.polarity}`)
    filters.push(sql`exists (select 1 from review_themes t where ${sql.join(themeFilters, sql` and `)})`)
  }
  // Issue 6: a review hidden for a reason from the fixed list leaves the public list (never for its rating).
  filters.push(sql`not exists (select 1 from review_hides h where h.review_id = r.id)`)
  if (params.cursor) filters.push(afterCursor(params.sort, params.cursor))

  const rows = await db.all<ReviewRow>(
    sql`select ${REVIEW_COLUMNS} from reviews r where ${sql.join(filters, sql` and `)} order by ${orderFor(params.sort)} limit ${params.limit + 1}`,
  )

  const page = rows.slice(0, params.limit)
  const last = page[page.length - 1]
  const themes = new Map<string, Record<string, Polarity>>()
  if (page.length > 0) {
    const themeRows = await db.all<{ reviewId: string; theme: string; polarity: Polarity }>(
      sql`select review_id as "reviewId", theme, polarity from review_themes where review_id in ${inList(page.map((r) => r.id))}`,
    )
    for (const t of themeRows) themes.set(t.reviewId, { ...themes.get(t.reviewId), [t.theme]: t.polarity })
  }
  return {
    reviews: page.map((r) => toReview(r, themes.get(r.id) ?? {})),
    nextCursor: rows.length > params.limit && last ? { createdAt: last.createdAt, rating: last.rating, id: last.id } : null,
  }
}

function orderFor(sort: ReviewSort): SQL {
  switch (sort) {
    case 'newest':
      return sql`r.created_at desc, r.id desc`
    case 'oldest':
      return sql`r.created_at asc, r.id asc`
    case 'highest':
      return sql`r.rating desc, r.created_at desc, r.id desc`
    case 'lowest':
      return sql`r.rating asc, r.created_at desc, r.id desc`
  }
}

function afterCursor(sort: ReviewSort, c: ReviewCursor): SQL {
  const olderThan = sql`(r.created_at < ${c.createdAt} or (r.created_at = ${c.createdAt} and r.id < ${c.id}))`
  switch (sort) {
    case 'newest':
      return olderThan
    case 'oldest':
      return sql`(r.created_at > ${c.createdAt} or (r.created_at = ${c.createdAt} and r.id > ${c.id}))`
    case 'highest':
      return sql`(r.rating < ${c.rating} or (r.rating = ${c.rating} and ${olderThan}))`
    case 'lowest':
      return sql`(r.rating > ${c.rating} or (r.rating = ${c.rating} and ${olderThan}))`
  }
}

function escapeLike(text: string): string {
  return text.replace(/[%_\\]/g, (c) => `\\${c}`)
}
