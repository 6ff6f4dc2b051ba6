import { sql } from 'drizzle-orm'
import type { Excerpt } from '../../domain/excerpt.ts'
import { inList, type Db, type SqlRunner } from '../database.ts'
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

// --- withdrawal after a sync (issue 4) ---

/** Testimonials that still quote one of these reviews (drafts and published; withdrawn ones are done). */
export async function liveTestimonialsOf(db: SqlRunner, reviewIds: string[]): Promise<Testimonial[]> {
  if (reviewIds.length === 0) return []
  const rows = await db.all<TestimonialRow>(sql`select ${columns} from testimonials where review_id in ${inList(reviewIds)} and status in ('draft', 'published')`)
  return rows.map(toTestimonial)
}

/** Withdraws a testimonial and writes why in the audit log, in one transaction. */
export async function withdrawTestimonial(db: Db, params: { id: string; reason: string; actor: string; now: Date }): Promise<void> {
  const at = params.now.toISOString()
  await db.transaction(async (tx) => {
    // Locked on PostgreSQL: a second withdrawal waits, then sees 'withdrawn' and writes no second audit entry.
    const before = await tx.get<{ status: TestimonialStatus; reviewId: string; excerpt: string }>(
      sql`select status, review_id as "reviewId", excerpt from testimonials where id = ${params.id}${tx.dialect === 'postgres' ? sql` for update` : sql``}`,
    )
    if (!before || before.status === 'withdrawn') return
    await tx.run(sql`update testimonials set status = 'withdrawn', withdrawn_at = ${at}, withdrawn_reason = ${params.reason} where id = ${params.id}`)
    await recordAudit(tx, {
      at: params.now,
      actor: params.actor,
      action: 'testimonial.withdrawn',
      subject: params.id,
      before: { status: before.status, reviewId: before.reviewId, excerpt: before.excerpt },
      after: { status: 'withdrawn', reason: params.reason },
    })
  })
}
