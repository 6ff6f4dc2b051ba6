import { eq } from 'drizzle-orm'
import type { Aggregate } from '../../domain/feed.ts'
import type { SourceId } from '../../domain/review.ts'
import type { Db } from '../database.ts'
import { locations } from '../schema.ts'

export interface Location {
  id: string
  name: string
  aggregate: Aggregate | null
}

export function ensureLocation(db: Db, params: { id: string; name: string }): void {
  db.insert(locations).values(params).onConflictDoNothing().run()
}

export function getLocation(db: Db, id: string): Location | null {
  const row = db.select().from(locations).where(eq(locations.id, id)).get()
  if (!row) return null
  const aggregate: Aggregate | null =
    row.aggregateSource && row.aggregateRating !== null && row.aggregateCount !== null
      ? {
          source: row.aggregateSource as SourceId,
          rating: row.aggregateRating,
          count: row.aggregateCount,
          url: row.aggregateUrl,
          checkedAt: row.checkedAt ? new Date(row.checkedAt) : null,
        }
      : null
  return { id: row.id, name: row.name, aggregate }
}

/**
 * The aggregate is the source's own figure over all its reviews (Google's averageRating and
 * totalReviewCount). For imported reviews there is no such figure, so it is computed over every
 * active imported review of the location, never over a selection.
 */
export function setAggregate(db: Db, locationId: string, aggregate: Aggregate): void {
  db.update(locations)
    .set({
      aggregateSource: aggregate.source,
      aggregateRating: aggregate.rating,
      aggregateCount: aggregate.count,
      aggregateUrl: aggregate.url,
      checkedAt: aggregate.checkedAt?.toISOString() ?? null,
    })
    .where(eq(locations.id, locationId))
    .run()
}

export function importedAggregate(db: Db, locationId: string, checkedAt: Date): Aggregate | null {
  const row = db.$client
    .prepare(`select avg(rating) as rating, count(*) as count from reviews where location_id = ? and source = 'import' and status = 'active'`)
    .get(locationId) as { rating: number | null; count: number }
  if (row.count === 0 || row.rating === null) return null
  return { source: 'import', rating: row.rating, count: row.count, url: null, checkedAt }
}

export function listLocationIds(db: Db): string[] {
  return db.select({ id: locations.id }).from(locations).orderBy(locations.id).all().map((r) => r.id)
}
