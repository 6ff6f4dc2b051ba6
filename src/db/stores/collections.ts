import { asc, eq, inArray } from 'drizzle-orm'
import type { Db } from '../database.ts'
import { collectionItems, collections, testimonials } from '../schema.ts'

export interface Collection {
  slug: string
  title: string
  testimonialIds: string[]
  updatedAt: Date
}

/** Replaces the collection's ordered testimonials in one transaction. */
export function putCollection(db: Db, params: { slug: string; title: string; testimonialIds: string[]; now: Date }): Collection {
  const updatedAt = params.now.toISOString()
  db.transaction((tx) => {
    tx.insert(collections)
      .values({ slug: params.slug, title: params.title, updatedAt })
      .onConflictDoUpdate({ target: collections.slug, set: { title: params.title, updatedAt } })
      .run()
    tx.delete(collectionItems).where(eq(collectionItems.collectionSlug, params.slug)).run()
    params.testimonialIds.forEach((testimonialId, position) => {
      tx.insert(collectionItems).values({ collectionSlug: params.slug, testimonialId, position }).run()
    })
  }, { behavior: 'immediate' })
  return { slug: params.slug, title: params.title, testimonialIds: [...params.testimonialIds], updatedAt: params.now }
}

export function getCollection(db: Db, slug: string): Collection | null {
  const row = db.select().from(collections).where(eq(collections.slug, slug)).get()
  if (!row) return null
  const items = db
    .select({ testimonialId: collectionItems.testimonialId })
    .from(collectionItems)
    .where(eq(collectionItems.collectionSlug, slug))
    .orderBy(asc(collectionItems.position))
    .all()
  return { slug: row.slug, title: row.title, testimonialIds: items.map((i) => i.testimonialId), updatedAt: new Date(row.updatedAt) }
}

export function collectionsContaining(db: Db, testimonialId: string): string[] {
  return db
    .select({ slug: collectionItems.collectionSlug })
    .from(collectionItems)
    .where(eq(collectionItems.testimonialId, testimonialId))
    .all()
    .map((r) => r.slug)
}

export function listCollections(db: Db): Array<{ slug: string; title: string }> {
  return db.select({ slug: collections.slug, title: collections.title }).from(collections).orderBy(asc(collections.slug)).all()
}

/** Collections quoting any of these reviews: their feeds show the reviews' text and themes. */
export function collectionsQuotingReviews(db: Db, reviewIds: string[]): string[] {
  if (reviewIds.length === 0) return []
  return db
    .selectDistinct({ slug: collectionItems.collectionSlug })
    .from(collectionItems)
    .innerJoin(testimonials, eq(testimonials.id, collectionItems.testimonialId))
    .where(inArray(testimonials.reviewId, reviewIds))
    .all()
    .map((r) => r.slug)
}

/** Collections that show any of these testimonials: their public feeds must be rebuilt. */
export function collectionsShowing(db: Db, testimonialIds: string[]): string[] {
  if (testimonialIds.length === 0) return []
  const slugs = db.selectDistinct({ slug: collectionItems.collectionSlug }).from(collectionItems).where(inArray(collectionItems.testimonialId, testimonialIds)).all()
  return slugs.map((r) => r.slug).sort()
}

/** Collections holding a testimonial of one of the location's reviews: they show its aggregate. */
export function collectionsOfLocation(db: Db, locationId: string): string[] {
  const rows = db.$client
    .prepare(
      `select distinct ci.collection_slug as slug from collection_items ci join testimonials t on t.id = ci.testimonial_id
       join reviews r on r.id = t.review_id where r.location_id = ? order by 1`,
    )
    .all(locationId) as Array<{ slug: string }>
  return rows.map((r) => r.slug)
}
