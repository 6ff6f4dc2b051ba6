import { and, eq, inArray } from 'drizzle-orm'
import type { Excerpt } from '../../domain/excerpt.ts'
import type { Db } from '../database.ts'
import { newId } from '../ids.ts'
import { auditLog, testimonials } from '../schema.ts'

export type TestimonialStatus = 'draft' | 'published' | 'withdrawn'

export interface Testimonial {
  id: string
  reviewId: string
  excerpt: Excerpt
  status: TestimonialStatus
  createdAt: Date
  publishedAt: Date | null
  withdrawnAt: Date | null
  withdrawnReason: string | null
}

function toTestimonial(row: typeof testimonials.$inferSelect): Testimonial {
  return {
    id: row.id,
    reviewId: row.reviewId,
    excerpt: { start: row.start, end: row.end, text: row.excerpt },
    status: row.status,
    createdAt: new Date(row.createdAt),
    publishedAt: row.publishedAt ? new Date(row.publishedAt) : null,
    withdrawnAt: row.withdrawnAt ? new Date(row.withdrawnAt) : null,
    withdrawnReason: row.withdrawnReason,
  }
}

export function createTestimonial(db: Db, params: { reviewId: string; excerpt: Excerpt; publish: boolean; now: Date }): Testimonial {
  const at = params.now.toISOString()
  const row = db
    .insert(testimonials)
    .values({
      id: newId('tm'),
      reviewId: params.reviewId,
      start: params.excerpt.start,
      end: params.excerpt.end,
      excerpt: params.excerpt.text,
      status: params.publish ? 'published' : 'draft',
      createdAt: at,
      publishedAt: params.publish ? at : null,
    })
    .returning()
    .get()
  return toTestimonial(row)
}

export function getTestimonial(db: Db, id: string): Testimonial | null {
  const row = db.select().from(testimonials).where(eq(testimonials.id, id)).get()
  return row ? toTestimonial(row) : null
}

export function findTestimonials(db: Db, ids: string[]): Testimonial[] {
  if (ids.length === 0) return []
  return db.select().from(testimonials).where(inArray(testimonials.id, ids)).all().map(toTestimonial)
}

export function setTestimonialStatus(db: Db, params: { id: string; status: 'published' | 'draft'; now: Date }): Testimonial | null {
  const row = db
    .update(testimonials)
    .set(params.status === 'published' ? { status: 'published', publishedAt: params.now.toISOString() } : { status: 'draft' })
    .where(and(eq(testimonials.id, params.id)))
    .returning()
    .get()
  return row ? toTestimonial(row) : null
}

// --- withdrawal after a sync (issue 4) ---

/** Testimonials that still quote one of these reviews (drafts and published; withdrawn ones are done). */
export function liveTestimonialsOf(db: Db, reviewIds: string[]): Testimonial[] {
  if (reviewIds.length === 0) return []
  return db
    .select()
    .from(testimonials)
    .where(and(inArray(testimonials.reviewId, reviewIds), inArray(testimonials.status, ['draft', 'published'])))
    .all()
    .map(toTestimonial)
}

/** Withdraws a testimonial and writes why in the audit log, in one transaction. */
export function withdrawTestimonial(db: Db, params: { id: string; reason: string; actor: string; now: Date }): void {
  const at = params.now.toISOString()
  db.transaction((tx) => {
    const before = tx.select().from(testimonials).where(eq(testimonials.id, params.id)).get()
    if (!before || before.status === 'withdrawn') return
    tx.update(testimonials).set({ status: 'withdrawn', withdrawnAt: at, withdrawnReason: params.reason }).where(eq(testimonials.id, params.id)).run()
    tx.insert(auditLog)
      .values({
        at,
        actor: params.actor,
        action: 'testimonial.withdrawn',
        subject: params.id,
        before: JSON.stringify({ status: before.status, reviewId: before.reviewId, excerpt: before.excerpt }),
        after: JSON.stringify({ status: 'withdrawn', reason: params.reason }),
      })
      .run()
  }, { behavior: 'immediate' })
}
