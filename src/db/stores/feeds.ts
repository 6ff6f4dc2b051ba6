import { sql } from 'drizzle-orm'
import type { FeedInput, FeedTestimonial } from '../../domain/feed.ts'
import type { SourceId } from '../../domain/review.ts'
import { inList, type SqlRunner } from '../database.ts'
import { isAuthorizationValid, type PatientAuthorization } from '../../domain/attribution.ts'
import { authorizationsFor } from './authorizations.ts'
import { getCollection } from './collections.ts'
import { getLocation } from './locations.ts'

export interface StoredFeed {
  slug: string
  body: string
  etag: string
  builtAt: Date
}

interface FeedRow {
  testimonialId: string
  testimonialStatus: string
  start: number
  end: number
  excerpt: string
  reviewId: string
  reviewStatus: string
  locationId: string
  text: string
  rating: number
  author: string | null
  createdAt: string
  url: string | null
  source: string
}

/**
 * Everything the public feed of a collection shows, read in one place. Only published testimonials
 * of active, unhidden reviews are included; the aggregate is that of the location of the collection's
 * reviews. Each testimonial carries the patient authorization valid at `now`, if any (HIPAA: the
 * name is shown only with one).
 */
export async function feedInputFor(db: SqlRunner, slug: string, now: Date): Promise<FeedInput | null> {
  const collection = await getCollection(db, slug)
  if (!collection) return null
  const rows =
    collection.testimonialIds.length === 0
      ? []
      : await db.all<FeedRow>(
          sql`select t.id as "testimonialId", t.status as "testimonialStatus", t."start" as "start", t."end" as "end", t.excerpt,
                     r.id as "reviewId", r.status as "reviewStatus", r.location_id as "locationId", r.text, r.rating, r.author,
                     r.created_at as "createdAt", r.url, r.source
              from testimonials t join reviews r on r.id = t.review_id
              where t.id in ${inList(collection.testimonialIds)}`,
        )
  const byId = new Map(rows.map((r) => [r.testimonialId, r]))
  const themesByReview = new Map<string, string[]>()
  const reviewIds = rows.map((r) => r.reviewId)
  if (reviewIds.length > 0) {
    const themeRows = await db.all<{ reviewId: string; theme: string }>(
      sql`select review_id as "reviewId", theme from review_themes where review_id in ${inList(reviewIds)} and polarity <> 'negative'`,
    )
    for (const t of themeRows) themesByReview.set(t.reviewId, [...(themesByReview.get(t.reviewId) ?? []), t.theme])
  }
  const hidden = new Set(
    reviewIds.length === 0
      ? []
      : (await db.all<{ reviewId: string }>(sql`select review_id as "reviewId" from review_hides where review_id in ${inList(reviewIds)}`)).map((h) => h.reviewId),
  )
  const authorizations = await authorizationsFor(db, collection.testimonialIds)
  const shown: FeedTestimonial[] = []
  let locationId: string | null = null
  for (const id of collection.testimonialIds) {
    const row = byId.get(id)
    if (!row || row.testimonialStatus !== 'published' || row.reviewStatus !== 'active' || hidden.has(row.reviewId)) continue
    locationId ??= row.locationId
    shown.push({
      id,
      excerptStart: row.start,
      excerptEnd: row.end,
      excerptText: row.excerpt,
      reviewText: row.text,
      rating: row.rating,
      author: row.author,
      authorization: validAuthorization(authorizations.get(id) ?? [], now),
      reviewCreatedAt: new Date(row.createdAt),
      reviewUrl: row.url,
      source: row.source as SourceId,
      themes: themesByReview.get(row.reviewId) ?? [],
      checkedAt: null,
    })
  }
  // A collection whose testimonials were all withdrawn still shows its location's aggregate.
  locationId ??= rows[0]?.locationId ?? null
  const aggregate = locationId ? ((await getLocation(db, locationId))?.aggregate ?? null) : null
  const checkedAt = aggregate?.checkedAt ?? null
  return { slug, title: collection.title, locationId, aggregate, testimonials: shown.map((t) => ({ ...t, checkedAt })) }
}

/**
 * Makes rebuilds of one feed take turns across processes, until the caller's transaction ends.
 * SQLite needs nothing more: its transactions (BEGIN IMMEDIATE) already run one at a time.
 */
export async function lockFeedForRebuild(tx: SqlRunner, slug: string): Promise<void> {
  if (tx.dialect === 'postgres') await tx.get(sql`select pg_advisory_xact_lock(hashtext(${`plaudit-feed:${slug}`}))`)
}

export async function saveFeed(db: SqlRunner, feed: StoredFeed): Promise<void> {
  await db.run(
    sql`insert into published_feeds (slug, body, etag, built_at) values (${feed.slug}, ${feed.body}, ${feed.etag}, ${feed.builtAt.toISOString()})
        on conflict (slug) do update set body = excluded.body, etag = excluded.etag, built_at = excluded.built_at`,
  )
}

const feedColumns = sql`slug, body, etag, built_at as "builtAt"`

export async function loadFeed(db: SqlRunner, slug: string): Promise<StoredFeed | null> {
  const row = await db.get<{ slug: string; body: string; etag: string; builtAt: string }>(sql`select ${feedColumns} from published_feeds where slug = ${slug}`)
  return row ? { ...row, builtAt: new Date(row.builtAt) } : null
}

export async function loadAllFeeds(db: SqlRunner): Promise<StoredFeed[]> {
  const rows = await db.all<{ slug: string; body: string; etag: string; builtAt: string }>(sql`select ${feedColumns} from published_feeds`)
  return rows.map((row) => ({ ...row, builtAt: new Date(row.builtAt) }))
}

/** The authorization in force at `now`; none means the attribution is "Verified patient". */
function validAuthorization(records: PatientAuthorization[], now: Date): PatientAuthorization | null {
  const valid = records.filter((r) => isAuthorizationValid(r, now))
  const latest = valid.sort((a, b) => b.signedAt.getTime() - a.signedAt.getTime())[0]
  return latest ? { signedBy: latest.signedBy, signedName: latest.signedName, signedAt: latest.signedAt, expiresAt: latest.expiresAt, revokedAt: latest.revokedAt } : null
}
