import { isStillVerbatim, type Excerpt } from './excerpt.ts'

/**
 * The verbatim rule after a source changes a review (DESIGN.md, Rules): one rule for every source
 * (Google sync, imports), applied by the review store in the transaction that writes the change.
 */

export type WithdrawalReason = 'excerpt-no-longer-verbatim' | 'rating-lowered' | 'review-removed'

export interface QuotedTestimonial {
  id: string
  reviewId: string
  excerpt: Excerpt
}

export interface ReviewChange {
  reviewId: string
  before: { rating: number; text: string }
  /** null when the review is gone from its source. */
  after: { rating: number; text: string } | null
}

export interface Withdrawal {
  testimonialId: string
  reviewId: string
  reason: WithdrawalReason
}

/**
 * Which testimonials can no longer stand: the review was removed, its rating went down, or the
 * quoted words are no longer at their place in the review's current text.
 */
export function testimonialsToWithdraw(changes: ReviewChange[], quoted: QuotedTestimonial[]): Withdrawal[] {
  const byReview = new Map(changes.map((c) => [c.reviewId, c]))
  const out: Withdrawal[] = []
  for (const t of quoted) {
    const change = byReview.get(t.reviewId)
    if (!change) continue
    const reason: WithdrawalReason | null = !change.after
      ? 'review-removed'
      : change.after.rating < change.before.rating
        ? 'rating-lowered'
        : !isStillVerbatim(t.excerpt, change.after.text)
          ? 'excerpt-no-longer-verbatim'
          : null
    if (reason) out.push({ testimonialId: t.id, reviewId: t.reviewId, reason })
  }
  return out
}
