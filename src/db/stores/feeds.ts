import { and, eq, inArray, ne } from 'drizzle-orm'
import type { FeedInput, FeedTestimonial } from '../../domain/feed.ts'
import type { SourceId } from '../../domain/review.ts'
import type { Db } from '../database.ts'
import { isAuthorizationValid, type PatientAuthorization } from '../../domain/attribution.ts'
import { publishedFeeds, reviewHides, reviews, reviewThemes, testimonials } from '../schema.ts'
import { authorizationsFor } from './authorizations.ts'
import { getCollection } from './collections.ts'
import { getLocation } from './locations.ts'

export interface StoredFeed {
  slug: string
  body: string
  etag: string
  builtAt: Date
}

/**
 * Everything the public feed of a collection shows, read in one place. Only published testimonials
 * of active, unhidden reviews are included; the aggregate is that of the location of the collection's
 * reviews. Each testimonial carries the patient authorization valid at `now`, if any (HIPAA: the
 * name is shown only with one).
 */
export function feedInputFor(db: Db, slug: string, now: Date): FeedInput | null {
  const collection = getCollection(db, slug)
  if (!collection) return null
  const rows =
    collection.testimonialIds.length === 0
      ? []
      : db
          .select({ testimonial: testimonials, review: reviews })
          .from(testimonials)
          .innerJoin(reviews, eq(reviews.id, testimonials.reviewId))
          .where(inArray(testimonials.id, collection.testimonialIds))
          .all()
  const byId = new Map(rows.map((r) => [r.testimonial.id, r]))
  const themesByReview = new Map<string, string[]>()
  const reviewIds = rows.map((r) => r.review.id)
  if (reviewIds.length > 0) {
    const themeRows = db
      .select({ reviewId: reviewThemes.reviewId, theme: reviewThemes.theme })
      .from(reviewThemes)
      .where(and(inArray(reviewThemes.reviewId, reviewIds), ne(reviewThemes.polarity, 'negative')))
      .all()
    for (const t of themeRows) themesByReview.set(t.reviewId, [...(themesByReview.get(t.reviewId) ?? []), t.theme])
  }
  const hidden = new Set(
    rows.length === 0 ? [] : db.select({ reviewId: reviewHides.reviewId }).from(reviewHides).where(inArray(reviewHides.reviewId, rows.map((r) => r.review.id))).all().map((h) => h.reviewId),
  )
  const authorizations = authorizationsFor(db, collection.testimonialIds)
  const shown: FeedTestimonial[] = []
  let locationId: string | null = null
  for (const id of collection.testimonialIds) {
    const row = byId.get(id)
    if (!row || row.testimonial.status !== 'published' || row.review.status !== 'active' || hidden.has(row.review.id)) continue
    locationId ??= row.review.locationId
    shown.push({
      id,
      excerptStart: row.testimonial.start,
      excerptEnd: row.testimonial.end,
      excerptText: row.testimonial.excerpt,
      reviewText: row.review.text,
      rating: row.review.rating,
      author: row.review.author,
      authorization: validAuthorization(authorizations.get(id) ?? [], now),
      reviewCreatedAt: new Date(row.review.createdAt),
      reviewUrl: row.review.url,
      source: row.review.source as SourceId,
      themes: themesByReview.get(row.review.id) ?? [],
      checkedAt: null,
    })
  }
  // A collection whose testimonials were all withdrawn still shows its location's aggregate.
  locationId ??= rows[0]?.review.locationId ?? null
  const aggregate = locationId ? (getLocation(db, locationId)?.aggregate ?? null) : null
  const checkedAt = aggregate?.checkedAt ?? null
  return { slug, title: collection.title, locationId, aggregate, testimonials: shown.map((t) => ({ ...t, checkedAt })) }
}

export function saveFeed(db: Db, feed: StoredFeed): void {
  const values = { slug: feed.slug, body: feed.body, etag: feed.etag, builtAt: feed.builtAt.toISOString() }
  db.insert(publishedFeeds).values(values).onConflictDoUpdate({ target: publishedFeeds.slug, set: values }).run()
}

export function loadFeed(db: Db, slug: string): StoredFeed | null {
  const row = db.select().from(publishedFeeds).where(eq(publishedFeeds.slug, slug)).get()
  return row ? { ...row, builtAt: new Date(row.builtAt) } : null
}

export function loadAllFeeds(db: Db): StoredFeed[] {
  return db.select().from(publishedFeeds).all().map((row) => ({ ...row, builtAt: new Date(row.builtAt) }))
}

/** The authorization in force at `now`; none means the attribution is "Verified patient". */
function validAuthorization(records: PatientAuthorization[], now: Date): PatientAuthorization | null {
  const valid = records.filter((r) => isAuthorizationValid(r, now))
  const latest = valid.sort((a, b) => b.signedAt.getTime() - a.signedAt.getTime())[0]
  return latest ? { signedBy: latest.signedBy, signedAt: latest.signedAt, expiresAt: latest.expiresAt, revokedAt: latest.revokedAt } : null
}
