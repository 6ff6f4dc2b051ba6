import { and, eq, inArray } from 'drizzle-orm'
import type { Excerpt } from '../../domain/excerpt.ts'
import type { Db } from '../database.ts'
import { newId } from '../ids.ts'
import { testimonials } from '../schema.ts'

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
