import { eq, inArray } from 'drizzle-orm'
import type { FeedInput, FeedTestimonial } from '../../domain/feed.ts'
import type { SourceId } from '../../domain/review.ts'
import type { Db } from '../database.ts'
import { publishedFeeds, reviews, testimonials } from '../schema.ts'
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
 * of active reviews are included; the aggregate is that of the location of the collection's reviews.
 */
export function feedInputFor(db: Db, slug: string): FeedInput | null {
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
  const shown: FeedTestimonial[] = []
  let locationId: string | null = null
  for (const id of collection.testimonialIds) {
    const row = byId.get(id)
    if (!row || row.testimonial.status !== 'published' || row.review.status !== 'active') continue
    locationId ??= row.review.locationId
    shown.push({
      id,
      excerptStart: row.testimonial.start,
      excerptEnd: row.testimonial.end,
      excerptText: row.testimonial.excerpt,
      reviewText: row.review.text,
      rating: row.review.rating,
      author: row.review.author,
      authorization: null,
      reviewCreatedAt: new Date(row.review.createdAt),
      reviewUrl: row.review.url,
      source: row.review.source as SourceId,
    })
  }
  // A collection whose testimonials were all withdrawn still shows its location's aggregate.
  locationId ??= rows[0]?.review.locationId ?? null
  const aggregate = locationId ? (getLocation(db, locationId)?.aggregate ?? null) : null
  return { slug, title: collection.title, aggregate, testimonials: shown }
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
