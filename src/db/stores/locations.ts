import { sql } from 'drizzle-orm'
import type { Aggregate } from '../../domain/feed.ts'
import type { SourceId } from '../../domain/review.ts'
import type { SqlRunner } from '../database.ts'
import type { locations } from '../schema.ts'

export interface Location {
  id: string
  name: string
  aggregate: Aggregate | null
}

export async function ensureLocation(db: SqlRunner, params: { id: string; name: string }): Promise<void> {
  await db.run(sql`insert into locations (id, name) values (${params.id}, ${params.name}) on conflict do nothing`)
}

export async function getLocation(db: SqlRunner, id: string): Promise<Location | null> {
  const row = await db.get<typeof locations.$inferSelect>(
    sql`select id, name, aggregate_source as "aggregateSource", aggregate_rating as "aggregateRating", aggregate_count as "aggregateCount",
               aggregate_url as "aggregateUrl", checked_at as "checkedAt"
        from locations where id = ${id}`,
  )
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
export async function setAggregate(db: SqlRunner, locationId: string, aggregate: Aggregate): Promise<void> {
  await db.run(
    sql`update locations set aggregate_source = ${aggregate.source}, aggregate_rating = ${aggregate.rating}, aggregate_count = ${aggregate.count},
          aggregate_url = ${aggregate.url}, checked_at = ${aggregate.checkedAt?.toISOString() ?? null}
        where id = ${locationId}`,
  )
}

export async function importedAggregate(db: SqlRunner, locationId: string, checkedAt: Date): Promise<Aggregate | null> {
  const row = (await db.get<{ rating: number | null; count: number }>(
    sql`select avg(rating) as rating, count(*) as count from reviews where location_id = ${locationId} and source = 'import' and status = 'active'`,
  ))!
  if (row.count === 0 || row.rating === null) return null
  return { source: 'import', rating: row.rating, count: row.count, url: null, checkedAt }
}

export async function listLocationIds(db: SqlRunner): Promise<string[]> {
  return (await db.all<{ id: string }>(sql`select id from locations order by id`)).map((r) => r.id)
}
