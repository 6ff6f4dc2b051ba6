import { and, asc, eq } from 'drizzle-orm'
import type { HideReason, ThemeVerdict } from '../../domain/access.ts'
import type { Polarity } from '../../domain/review.ts'
import type { Db } from '../database.ts'
import { collectionItems, reviewHides, testimonials, themeCorrections } from '../schema.ts'

export interface ThemeCorrection {
  reviewId: string
  theme: string
  polarity: Polarity
  verdict: ThemeVerdict
  actor: string
  at: Date
}

export function insertThemeCorrection(db: Db, correction: ThemeCorrection): void {
  db.insert(themeCorrections).values({ ...correction, at: correction.at.toISOString() }).run()
}

/** Every verdict in order: the labelled examples the theme engine learns from. */
export function listThemeCorrections(db: Db): ThemeCorrection[] {
  return db
    .select()
    .from(themeCorrections)
    .orderBy(asc(themeCorrections.id))
    .all()
    .map((r) => ({ reviewId: r.reviewId, theme: r.theme, polarity: r.polarity, verdict: r.verdict, actor: r.actor, at: new Date(r.at) }))
}

export interface ReviewHide {
  reviewId: string
  reason: HideReason
  actor: string
  at: Date
}

export function getHide(db: Db, reviewId: string): ReviewHide | null {
  const row = db.select().from(reviewHides).where(eq(reviewHides.reviewId, reviewId)).get()
  return row ? { ...row, at: new Date(row.at) } : null
}

export function putHide(db: Db, hide: ReviewHide): void {
  const values = { ...hide, at: hide.at.toISOString() }
  db.insert(reviewHides).values(values).onConflictDoUpdate({ target: reviewHides.reviewId, set: values }).run()
}

export function deleteHide(db: Db, reviewId: string): void {
  db.delete(reviewHides).where(eq(reviewHides.reviewId, reviewId)).run()
}

/** Collections showing a testimonial cut from this review: their feeds change when it is hidden. */
export function collectionsQuotingReview(db: Db, reviewId: string): string[] {
  const rows = db
    .selectDistinct({ slug: collectionItems.collectionSlug })
    .from(collectionItems)
    .innerJoin(testimonials, and(eq(testimonials.id, collectionItems.testimonialId), eq(testimonials.reviewId, reviewId)))
    .all()
  return rows.map((r) => r.slug)
}
