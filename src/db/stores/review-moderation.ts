import { sql } from 'drizzle-orm'
import type { HideReason, ThemeVerdict } from '../../domain/access.ts'
import type { Polarity } from '../../domain/review.ts'
import type { SqlRunner } from '../database.ts'

export interface ThemeCorrection {
  reviewId: string
  theme: string
  polarity: Polarity
  verdict: ThemeVerdict
  actor: string
  at: Date
}

export async function insertThemeCorrection(db: SqlRunner, correction: ThemeCorrection): Promise<void> {
  await db.run(
    sql`insert into theme_corrections (review_id, theme, polarity, verdict, actor, at)
        values (${correction.reviewId}, ${correction.theme}, ${correction.polarity}, ${correction.verdict}, ${correction.actor}, ${correction.at.toISOString()})`,
  )
}

/** Every verdict in order: the labelled examples the theme engine learns from. */
export async function listThemeCorrections(db: SqlRunner): Promise<ThemeCorrection[]> {
  const rows = await db.all<Omit<ThemeCorrection, 'at'> & { at: string }>(
    sql`select review_id as "reviewId", theme, polarity, verdict, actor, at from theme_corrections order by id`,
  )
  return rows.map((r) => ({ reviewId: r.reviewId, theme: r.theme, polarity: r.polarity, verdict: r.verdict, actor: r.actor, at: new Date(r.at) }))
}

export interface ReviewHide {
  reviewId: string
  reason: HideReason
  actor: string
  at: Date
}

export async function getHide(db: SqlRunner, reviewId: string): Promise<ReviewHide | null> {
  const row = await db.get<Omit<ReviewHide, 'at'> & { at: string }>(sql`select review_id as "reviewId", reason, actor, at from review_hides where review_id = ${reviewId}`)
  return row ? { ...row, at: new Date(row.at) } : null
}

export async function putHide(db: SqlRunner, hide: ReviewHide): Promise<void> {
  await db.run(
    sql`insert into review_hides (review_id, reason, actor, at) values (${hide.reviewId}, ${hide.reason}, ${hide.actor}, ${hide.at.toISOString()})
        on conflict (review_id) do update set reason = excluded.reason, actor = excluded.actor, at = excluded.at`,
  )
}

export async function deleteHide(db: SqlRunner, reviewId: string): Promise<void> {
  await db.run(sql`delete from review_hides where review_id = ${reviewId}`)
}

/** Collections showing a testimonial cut from this review: their feeds change when it is hidden. */
export async function collectionsQuotingReview(db: SqlRunner, reviewId: string): Promise<string[]> {
  const rows = await db.all<{ slug: string }>(
    sql`select distinct ci.collection_slug as slug from collection_items ci join testimonials t on t.id = ci.testimonial_id and t.review_id = ${reviewId}`,
  )
  return rows.map((r) => r.slug)
}
