import type { Database, Statement } from 'better-sqlite3'
import type { Polarity } from '../../domain/review.ts'
import type { Db } from '../database.ts'

/** What one review adds to the rollups: nothing unless active; its themes as review_themes holds them. */
interface Contribution {
  locationId: string
  createdAt: string
  rating: number
  themes: Array<{ theme: string; polarity: Polarity }>
}

// Day and month keys are cut from the stored ISO-8601 UTC createTime, in JS and in SQL alike.
const dayOf = (iso: string) => iso.slice(0, 10)
const monthOf = (iso: string) => iso.slice(0, 7)

/**
 * Keeps rollup_review_counts and rollup_theme_counts in step with reviews and review_themes. Every
 * method runs inside the caller's transaction: a write to a review and its rollup commit together.
 * A change is applied as "take away what the review counted before, add what it counts now", so
 * every kind of change (new, edited, re-rated, re-analysed, removed, restored) goes the same way.
 * Changes are summed per rollup row in memory and written by flush() at the end of the batch's
 * transaction: a batch of 1,000 reviews from a few days costs a few upserts, not 2,000.
 */
export class RollupWriter {
  private readonly bumpReviews: Statement
  private readonly dropEmptyReviews: Statement
  private readonly bumpTheme: Statement
  private readonly dropEmptyTheme: Statement
  private readonly readReview: Statement<[string], { location_id: string; created_at: string; rating: number; status: string }>
  private readonly readThemes: Statement<[string], { theme: string; polarity: Polarity }>
  private readonly pendingReviews = new Map<string, number>()
  private readonly pendingThemes = new Map<string, number>()

  constructor(sqlite: Database) {
    this.bumpReviews = sqlite.prepare(
      `insert into rollup_review_counts (location_id, grain, period, rating, reviews) values (?, ?, ?, ?, ?)
       on conflict (location_id, grain, period, rating) do update set reviews = reviews + excluded.reviews`,
    )
    this.dropEmptyReviews = sqlite.prepare('delete from rollup_review_counts where location_id = ? and grain = ? and period = ? and rating = ? and reviews <= 0')
    this.bumpTheme = sqlite.prepare(
      `insert into rollup_theme_counts (location_id, grain, period, theme, polarity, reviews) values (?, ?, ?, ?, ?, ?)
       on conflict (location_id, grain, period, theme, polarity) do update set reviews = reviews + excluded.reviews`,
    )
    this.dropEmptyTheme = sqlite.prepare(
      'delete from rollup_theme_counts where location_id = ? and grain = ? and period = ? and theme = ? and polarity = ? and reviews <= 0',
    )
    this.readReview = sqlite.prepare('select location_id, created_at, rating, status from reviews where id = ?')
    this.readThemes = sqlite.prepare('select theme, polarity from review_themes where review_id = ?')
  }

  /** A review just inserted: counted once per day and month; it has no themes yet. */
  addNewReview(locationId: string, createdAt: string, rating: number): void {
    this.add(this.pendingReviews, [locationId, 'day', dayOf(createdAt), rating], 1)
    this.add(this.pendingReviews, [locationId, 'month', monthOf(createdAt), rating], 1)
  }

  /** What the review counts for now (null when removed or unknown). Read before and after a change. */
  contributionOf(reviewId: string): Contribution | null {
    const row = this.readReview.get(reviewId)
    if (!row || row.status !== 'active') return null
    return { locationId: row.location_id, createdAt: row.created_at, rating: row.rating, themes: this.readThemes.all(reviewId) }
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

  /** Writes the summed changes; call it inside the same transaction, after the batch's writes. */
  flush(): void {
    for (const [key, delta] of this.pendingReviews) {
      if (delta === 0) continue
      const [locationId, grain, period, rating] = JSON.parse(key) as [string, string, string, number]
      this.bumpReviews.run(locationId, grain, period, rating, delta)
      if (delta < 0) this.dropEmptyReviews.run(locationId, grain, period, rating)
    }
    for (const [key, delta] of this.pendingThemes) {
      if (delta === 0) continue
      const [locationId, grain, period, theme, polarity] = JSON.parse(key) as [string, string, string, string, string]
      this.bumpTheme.run(locationId, grain, period, theme, polarity, delta)
      if (delta < 0) this.dropEmptyTheme.run(locationId, grain, period, theme, polarity)
    }
    this.discard()
  }

  /** Forgets unwritten changes (the transaction they belonged to rolled back). */
  discard(): void {
    this.pendingReviews.clear()
    this.pendingThemes.clear()
  }
}

const REBUILD_REVIEWS = `
  insert into rollup_review_counts (location_id, grain, period, rating, reviews)
  select location_id, 'day', substr(created_at, 1, 10), rating, count(*) from reviews where status = 'active' group by 1, 3, 4
  union all
  select location_id, 'month', substr(created_at, 1, 7), rating, count(*) from reviews where status = 'active' group by 1, 3, 4`

const REBUILD_THEMES = `
  insert into rollup_theme_counts (location_id, grain, period, theme, polarity, reviews)
  select r.location_id, 'day', substr(r.created_at, 1, 10), t.theme, t.polarity, count(*)
    from review_themes t join reviews r on r.id = t.review_id where r.status = 'active' group by 1, 3, 4, 5
  union all
  select r.location_id, 'month', substr(r.created_at, 1, 7), t.theme, t.polarity, count(*)
    from review_themes t join reviews r on r.id = t.review_id where r.status = 'active' group by 1, 3, 4, 5`

/** Recomputes every rollup from reviews and review_themes, in one transaction. */
export function rebuildRollups(db: Db): { reviewRows: number; themeRows: number } {
  const sqlite = db.$client
  const rebuild = sqlite.transaction(() => {
    sqlite.prepare('delete from rollup_review_counts').run()
    sqlite.prepare('delete from rollup_theme_counts').run()
    const reviewRows = sqlite.prepare(REBUILD_REVIEWS).run().changes
    const themeRows = sqlite.prepare(REBUILD_THEMES).run().changes
    return { reviewRows, themeRows }
  })
  return rebuild.immediate()
}

export interface RollupSnapshot {
  reviews: string[]
  themes: string[]
}

/** Every rollup row as a sorted line of text: two snapshots are equal when the tables are. */
export function snapshotRollups(db: Db): RollupSnapshot {
  const sqlite = db.$client
  const reviews = sqlite
    .prepare("select location_id || '|' || grain || '|' || period || '|' || rating || '=' || reviews as line from rollup_review_counts order by 1")
    .pluck()
    .all() as string[]
  const themes = sqlite
    .prepare("select location_id || '|' || grain || '|' || period || '|' || theme || '|' || polarity || '=' || reviews as line from rollup_theme_counts order by 1")
    .pluck()
    .all() as string[]
  return { reviews, themes }
}
