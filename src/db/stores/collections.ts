import { sql } from 'drizzle-orm'
import { inList, type Db, type SqlRunner } from '../database.ts'

export interface Collection {
  slug: string
  title: string
  testimonialIds: string[]
  updatedAt: Date
}

/** Items written per statement: well under both engines' bound-parameter limits. */
const ITEMS_PER_INSERT = 500

/** Replaces the collection's ordered testimonials in one transaction. */
export async function putCollection(db: Db, params: { slug: string; title: string; testimonialIds: string[]; now: Date }): Promise<Collection> {
  const updatedAt = params.now.toISOString()
  await db.transaction(async (tx) => {
    // The upsert locks the collection's row (PostgreSQL), so two writers of one collection take turns.
    await tx.run(
      sql`insert into collections (slug, title, updated_at) values (${params.slug}, ${params.title}, ${updatedAt})
          on conflict (slug) do update set title = excluded.title, updated_at = excluded.updated_at`,
    )
    await tx.run(sql`delete from collection_items where collection_slug = ${params.slug}`)
    for (let from = 0; from < params.testimonialIds.length; from += ITEMS_PER_INSERT) {
      const values = params.testimonialIds.slice(from, from + ITEMS_PER_INSERT).map((testimonialId, i) => sql`(${params.slug}, ${testimonialId}, ${from + i})`)
      await tx.run(sql`insert into collection_items (collection_slug, testimonial_id, position) values ${sql.join(values, sql`, `)}`)
    }
  })
  return { slug: params.slug, title: params.title, testimonialIds: [...params.testimonialIds], updatedAt: params.now }
}

export async function getCollection(db: SqlRunner, slug: string): Promise<Collection | null> {
  const row = await db.get<{ slug: string; title: string; updatedAt: string }>(sql`select slug, title, updated_at as "updatedAt" from collections where slug = ${slug}`)
  if (!row) return null
  const items = await db.all<{ testimonialId: string }>(
    sql`select testimonial_id as "testimonialId" from collection_items where collection_slug = ${slug} order by position`,
  )
  return { slug: row.slug, title: row.title, testimonialIds: items.map((i) => i.testimonialId), updatedAt: new Date(row.updatedAt) }
}

export async function collectionsContaining(db: SqlRunner, testimonialId: string): Promise<string[]> {
  const rows = await db.all<{ slug: string }>(sql`select collection_slug as slug from collection_items where testimonial_id = ${testimonialId}`)
  return rows.map((r) => r.slug)
}

export async function listCollections(db: SqlRunner): Promise<Array<{ slug: string; title: string }>> {
  return db.all<{ slug: string; title: string }>(sql`select slug, title from collections order by slug`)
}

/** Collections quoting any of these reviews: their feeds show the reviews' text and themes. */
export async function collectionsQuotingReviews(db: SqlRunner, reviewIds: string[]): Promise<string[]> {
  if (reviewIds.length === 0) return []
  const rows = await db.all<{ slug: string }>(
    sql`select distinct ci.collection_slug as slug from collection_items ci join testimonials t on t.id = ci.testimonial_id
        where t.review_id in ${inList(reviewIds)}`,
  )
  return rows.map((r) => r.slug)
}

/** Collections that show any of these testimonials: their public feeds must be rebuilt. */
export async function collectionsShowing(db: SqlRunner, testimonialIds: string[]): Promise<string[]> {
  if (testimonialIds.length === 0) return []
  const slugs = await db.all<{ slug: string }>(sql`select distinct collection_slug as slug from collection_items where testimonial_id in ${inList(testimonialIds)}`)
  return slugs.map((r) => r.slug).sort()
}

/** Collections holding a testimonial of one of the location's reviews: they show its aggregate. */
export async function collectionsOfLocation(db: SqlRunner, locationId: string): Promise<string[]> {
  const rows = await db.all<{ slug: string }>(
    sql`select distinct ci.collection_slug as slug from collection_items ci join testimonials t on t.id = ci.testimonial_id
        join reviews r on r.id = t.review_id where r.location_id = ${locationId} order by 1`,
  )
  return rows.map((r) => r.slug)
}
