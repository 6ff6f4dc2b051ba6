import { z } from 'zod'
import { ANONYMOUS_REVIEWER } from '../../domain/attribution.ts'
import { splitGoogleTranslation, starRatingToNumber } from '../../domain/google-sync.ts'
import type { ReviewInput } from '../../domain/review.ts'

/**
 * The v4 review shapes (fixtures/google/README.md). proto3 JSON leaves out default fields, so
 * everything but the name and times may be missing; unknown fields are ignored.
 */
export const gbpReviewSchema = z.object({
  name: z.string(),
  reviewId: z.string().optional(),
  reviewer: z.object({ displayName: z.string().optional(), isAnonymous: z.boolean().optional() }).optional(),
  starRating: z.string().optional(),
  comment: z.string().optional(),
  createTime: z.string().datetime({ offset: true }),
  updateTime: z.string().datetime({ offset: true }),
  reviewReply: z.object({ comment: z.string().optional(), updateTime: z.string().optional() }).optional(),
})
export type GbpReview = z.infer<typeof gbpReviewSchema>

export const gbpReviewPageSchema = z.object({
  reviews: z.array(gbpReviewSchema).optional(),
  averageRating: z.number().optional(),
  totalReviewCount: z.number().int().optional(),
  nextPageToken: z.string().optional(),
})
export type GbpReviewPage = z.infer<typeof gbpReviewPageSchema>

export interface MappedGoogleReview {
  input: ReviewInput
  updateTime: Date
  anonymous: boolean
  translation: string | null
  reply: { comment: string; updatedAt: Date | null } | null
}

/** A review with no rating Google can name is skipped: it cannot be shown honestly. */
export function mapGoogleReview(review: GbpReview, reviewUrl: string | null): MappedGoogleReview | null {
  const rating = starRatingToNumber(review.starRating)
  if (rating === null) return null
  const anonymous = review.reviewer?.isAnonymous === true
  const split = splitGoogleTranslation(review.comment ?? '')
  return {
    input: {
      source: 'google-business-profile',
      externalId: review.reviewId ?? review.name.split('/').pop() ?? review.name,
      author: anonymous ? ANONYMOUS_REVIEWER : (review.reviewer?.displayName ?? ANONYMOUS_REVIEWER),
      rating,
      // Rating-only reviews have no comment: they count in the aggregate, and an empty text cannot be quoted.
      text: split.original,
      createdAt: new Date(review.createTime),
      url: reviewUrl,
    },
    updateTime: new Date(review.updateTime),
    anonymous,
    translation: split.translation,
    reply: review.reviewReply?.comment ? { comment: review.reviewReply.comment, updatedAt: review.reviewReply.updateTime ? new Date(review.reviewReply.updateTime) : null } : null,
  }
}
