import { sql } from 'drizzle-orm'
import type { Polarity } from '../../domain/review.ts'
import { inBatches, inList, type Db, type SqlRunner } from '../database.ts'

/** What one review adds to the rollups: nothing unless active; its themes as review_themes holds them. */
export interface Contribution {
  locationId: string
  createdAt: string
  rating: number
  themes: Array<{ theme: string; polarity: Polarity }>
}

/** The columns of a review the rollups need, as stores read them before a change. */
export interface ReviewForRollup {
  id: string
  locationId: string
  createdAt: string
  rating: number
  status: string
}

// Day and month keys are cut from the stored ISO-8601 UTC createTime, in JS and in SQL alike.
const dayOf = (iso: string) => iso.slice(0, 10)
const monthOf = (iso: string) => iso.slice(0, 7)

/** The themes of each review, as review_themes holds them now. One query per 500 reviews. */
export async function themesByReview(tx: SqlRunner, ids: string[]): Promise<Map<string, Array<{ theme: string; polarity: Polarity }>>> {
  const byReview = new Map<string, Array<{ theme: string; polarity: Polarity }>>()
  for (const part of inBatches(ids)) {
    const rows = await tx.all<{ reviewId: string; theme: string; polarity: Polarity }>(
      sql`select review_id as "reviewId", theme, polarity from review_themes where review_id in ${inList(part)} order by review_id, theme`,
    )
    for (const row of rows) {
      const list = byReview.get(row.reviewId) ?? []
      list.push({ theme: row.theme, polarity: row.polarity })
      byReview.set(row.reviewId, list)
    }
  }
  return byReview
}

/** What a review counts for given its row and themes (null when removed). */
export function contributionFrom(review: ReviewForRollup | undefined, themes: Array<{ theme: string; polarity: Polarity }>): Contribution | null {
  if (!review || review.status !== 'active') return null
  return { locationId: review.locationId, createdAt: review.createdAt, rating: review.rating, themes }
}

/**
 * Keeps rollup_review_counts and rollup_theme_counts in step with reviews and review_themes. Every
 * method runs inside the caller's transaction: a write to a review and its rollup commit together.
 * A change is applied as "take away what the review counted before, add what it counts now", so
 * every kind of change (new, edited, re-rated, re-analysed, removed, restored) goes the same way.
 * Changes are summed per rollup row in memory and written by flush() at the end of the batch's
 * transaction: a batch of 1,000 reviews from a few days costs a few upserts, not 2,000.
 * One writer per transaction: it holds that transaction's pending changes.
 */
export class RollupWriter {
  private readonly pendingReviews = new Map<string, number>()
  private readonly pendingThemes = new Map<string, number>()

  /** A review just inserted: counted once per day and month; it has no themes yet. */
  addNewReview(locationId: string, createdAt: string, rating: number): void {
    this.add(this.pendingReviews, [locationId, 'day', dayOf(createdAt), rating], 1)
    this.add(this.pendingReviews, [locationId, 'month', monthOf(createdAt), rating], 1)
  }

  /** Moves the rollups from what a review counted before a change to what it counts after it. */
  replace(before: Contribution | null, after: Contribution | null): void {
    if (before) this.apply(before, -1)
    if (after) this.apply(after, +1)
  }

  private apply(c: Contribution, delta: 1 | -1): void {
    for (const [grain, period] of [['day', dayOf(c.createdAt)], ['month', monthOf(c.createdAt)]] as const) {
      this.add(this.pendingReviews, [c.locationId, grain, period, c.rating], delta)
      for (const t of c.themes) this.add(this.pendingThemes, [c.locationId, grain, period, t.theme, t.polarity], delta)
    }
  }

  private add(pending: Map<string, number>, key: Array<string | number>, delta: number): void {
    const k = JSON.stringify(key)
    pending.set(k, (pending.get(k) ?? 0) + delta)
  }

  /**
   * Writes the summed changes inside the caller's transaction, after the batch's writes. Rows are
   * written in key order, so two processes flushing at once lock rollup rows in the same order
   * (no deadlock on PostgreSQL).
   */
  async flush(tx: SqlRunner): Promise<void> {
    const reviews = sortedChanges(this.pendingReviews) as Array<[[string, string, string, number], number]>
    const themes = sortedChanges(this.pendingThemes) as Array<[[string, string, string, string, string], number]>
    this.discard()
    await tx.insertRows(
      'rollup_review_counts',
      ['location_id', 'grain', 'period', 'rating', 'reviews'],
      reviews.map(([key, delta]) => [...key, delta]),
      'on conflict (location_id, grain, period, rating) do update set reviews = rollup_review_counts.reviews + excluded.reviews',
    )
    await tx.insertRows(
      'rollup_theme_counts',
      ['location_id', 'grain', 'period', 'theme', 'polarity', 'reviews'],
      themes.map(([key, delta]) => [...key, delta]),
      'on conflict (location_id, grain, period, theme, polarity) do update set reviews = rollup_theme_counts.reviews + excluded.reviews',
    )
    // A row that fell to zero is deleted: a rollup holds only periods that have reviews.
    for (const [[l, g, p, r], d] of reviews) {
      if (d < 0) await tx.run(sql`delete from rollup_review_counts where location_id = ${l} and grain = ${g} and period = ${p} and rating = ${r} and reviews <= 0`)
    }
    for (const [[l, g, p, t, pol], d] of themes) {
      if (d < 0) {
        await tx.run(
          sql`delete from rollup_theme_counts where location_id = ${l} and grain = ${g} and period = ${p} and theme = ${t} and polarity = ${pol} and reviews <= 0`,
        )
      }
    }
  }

  /** Forgets unwritten changes (the transaction they belonged to rolled back). */
  discard(): void {
    this.pendingReviews.clear()
    this.pendingThemes.clear()
  }
}

function sortedChanges(pending: Map<string, number>): Array<[unknown[], number]> {
  return [...pending]
    .filter(([, delta]) => delta !== 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, delta]) => [JSON.parse(key) as unknown[], delta])
}

const REBUILD_REVIEWS = sql`
  insert into rollup_review_counts (location_id, grain, period, rating, reviews)
  select location_id, 'day', substr(created_at, 1, 10), rating, count(*) from reviews where status = 'active' group by location_id, substr(created_at, 1, 10), rating
  union all
  select location_id, 'month', substr(created_at, 1, 7), rating, count(*) from reviews where status = 'active' group by location_id, substr(created_at, 1, 7), rating`

const REBUILD_THEMES = sql`
  insert into rollup_theme_counts (location_id, grain, period, theme, polarity, reviews)
  select r.location_id, 'day', substr(r.created_at, 1, 10), t.theme, t.polarity, count(*)
    from review_themes t join reviews r on r.id = t.review_id where r.status = 'active' group by r.location_id, substr(r.created_at, 1, 10), t.theme, t.polarity
  union all
  select r.location_id, 'month', substr(r.created_at, 1, 7), t.theme, t.polarity, count(*)
    from review_themes t join reviews r on r.id = t.review_id where r.status = 'active' group by r.location_id, substr(r.created_at, 1, 7), t.theme, t.polarity`

/** Recomputes every rollup from reviews and review_themes, in one transaction. */
export async function rebuildRollups(db: Db): Promise<{ reviewRows: number; themeRows: number }> {
  return db.transaction(async (tx) => {
    // PostgreSQL: no writer may change reviews or rollups while they are recounted.
    if (tx.dialect === 'postgres') await tx.run(sql`lock table reviews, review_themes, rollup_review_counts, rollup_theme_counts in share row exclusive mode`)
    await tx.run(sql`delete from rollup_review_counts`)
    await tx.run(sql`delete from rollup_theme_counts`)
    const reviewRows = await tx.run(REBUILD_REVIEWS)
    const themeRows = await tx.run(REBUILD_THEMES)
    return { reviewRows, themeRows }
  })
}

export interface RollupSnapshot {
  reviews: string[]
  themes: string[]
}

/** Every rollup row as a sorted line of text: two snapshots are equal when the tables are. */
export async function snapshotRollups(db: Db): Promise<RollupSnapshot> {
  const reviews = await db.all<{ line: string }>(
    sql`select location_id || '|' || grain || '|' || period || '|' || rating || '=' || reviews as line from rollup_review_counts order by 1`,
  )
  const themes = await db.all<{ line: string }>(
    sql`select location_id || '|' || grain || '|' || period || '|' || theme || '|' || polarity || '=' || reviews as line from rollup_theme_counts order by 1`,
  )
  return { reviews: reviews.map((r) => r.line), themes: themes.map((r) => r.line) }
}
