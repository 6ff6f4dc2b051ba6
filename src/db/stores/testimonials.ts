import { sql } from 'drizzle-orm'
import type { Excerpt } from '../../domain/excerpt.ts'
import { testimonialsToWithdraw, type ReviewChange, type Withdrawal } from '../../domain/withdrawal.ts'
import { inList, type SqlRunner } from '../database.ts'
import { newId } from '../ids.ts'
import type { testimonials } from '../schema.ts'
import { recordAudit } from './audit.ts'

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

type TestimonialRow = typeof testimonials.$inferSelect

const columns = sql`id, review_id as "reviewId", "start", "end", excerpt, status, created_at as "createdAt", published_at as "publishedAt",
  withdrawn_at as "withdrawnAt", withdrawn_reason as "withdrawnReason"`

function toTestimonial(row: TestimonialRow): Testimonial {
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

export async function createTestimonial(db: SqlRunner, params: { reviewId: string; excerpt: Excerpt; publish: boolean; now: Date }): Promise<Testimonial> {
  const at = params.now.toISOString()
  const row = await db.get<TestimonialRow>(
    sql`insert into testimonials (id, review_id, "start", "end", excerpt, status, created_at, published_at)
        values (${newId('tm')}, ${params.reviewId}, ${params.excerpt.start}, ${params.excerpt.end}, ${params.excerpt.text},
                ${params.publish ? 'published' : 'draft'}, ${at}, ${params.publish ? at : null})
        returning ${columns}`,
  )
  return toTestimonial(row!)
}

export async function getTestimonial(db: SqlRunner, id: string): Promise<Testimonial | null> {
  const row = await db.get<TestimonialRow>(sql`select ${columns} from testimonials where id = ${id}`)
  return row ? toTestimonial(row) : null
}

export async function findTestimonials(db: SqlRunner, ids: string[]): Promise<Testimonial[]> {
  if (ids.length === 0) return []
  return (await db.all<TestimonialRow>(sql`select ${columns} from testimonials where id in ${inList(ids)}`)).map(toTestimonial)
}

export async function setTestimonialStatus(db: SqlRunner, params: { id: string; status: 'published' | 'draft'; now: Date }): Promise<Testimonial | null> {
  const set = params.status === 'published' ? sql`status = 'published', published_at = ${params.now.toISOString()}` : sql`status = 'draft'`
  const row = await db.get<TestimonialRow>(sql`update testimonials set ${set} where id = ${params.id} returning ${columns}`)
  return row ? toTestimonial(row) : null
}

// --- withdrawal when a source changes a review (issues 4 and 13) ---

/** Testimonials that still quote one of these reviews (drafts and published; withdrawn ones are done). */
export async function liveTestimonialsOf(db: SqlRunner, reviewIds: string[]): Promise<Testimonial[]> {
  if (reviewIds.length === 0) return []
  // Locked on PostgreSQL: a concurrent withdrawal waits, then finds them withdrawn and writes no second audit entry.
  const rows = await db.all<TestimonialRow>(
    sql`select ${columns} from testimonials where review_id in ${inList(reviewIds)} and status in ('draft', 'published') order by id${db.dialect === 'postgres' ? sql` for update` : sql``}`,
  )
  return rows.map(toTestimonial)
}

/**
 * Withdraws the testimonials that no longer stand after these review changes and writes why in the
 * audit log, inside the caller's transaction (the one that wrote the changes).
 */
export async function withdrawStaleTestimonials(tx: SqlRunner, changes: ReviewChange[], params: { actor: string; now: Date }): Promise<Withdrawal[]> {
  if (changes.length === 0) return []
  const live = await liveTestimonialsOf(tx, changes.map((c) => c.reviewId))
  const withdrawals = testimonialsToWithdraw(changes, live)
  const byId = new Map(live.map((t) => [t.id, t]))
  for (const w of withdrawals) {
    const before = byId.get(w.testimonialId)!
    await tx.run(
      sql`update testimonials set status = 'withdrawn', withdrawn_at = ${params.now.toISOString()}, withdrawn_reason = ${w.reason} where id = ${w.testimonialId}`,
    )
    await recordAudit(tx, {
      at: params.now,
      actor: params.actor,
      action: 'testimonial.withdrawn',
      subject: w.testimonialId,
      before: { status: before.status, reviewId: before.reviewId, excerpt: before.excerpt.text },
      after: { status: 'withdrawn', reason: w.reason },
    })
  }
  return withdrawals
}
