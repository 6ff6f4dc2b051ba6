import { attributionFor, type PatientAuthorization } from './attribution.ts'
import { displayExcerpt } from './excerpt.ts'
import type { SourceId } from './review.ts'

/** FTC 16 CFR 465: a curated selection says so, and is never passed off as all reviews. */
export const CURATED_LABEL = 'Selected patient reviews'

export interface Aggregate {
  source: SourceId
  rating: number
  count: number
  url: string | null
  checkedAt: Date | null
}

export interface FeedTestimonial {
  id: string
  excerptStart: number
  excerptEnd: number
  excerptText: string
  reviewText: string
  rating: number
  author: string | null
  authorization: PatientAuthorization | null
  reviewCreatedAt: Date
  reviewUrl: string | null
  source: SourceId
  /** Themes the review speaks well of (positive or mixed), so a page can pick testimonials by topic. */
  themes: string[]
  /** When the review was last seen, verbatim, at its source (the location's last sync or import). */
  checkedAt: Date | null
}

export interface FeedInput {
  slug: string
  title: string
  /** The location whose reviews the testimonials come from; its all-reviews page is linked. */
  locationId: string | null
  aggregate: Aggregate | null
  testimonials: FeedTestimonial[]
}

export interface PublicFeed {
  collection: { slug: string; title: string }
  label: string
  /** Our page listing every review of the location, whatever its rating (relative to the service). */
  allReviewsPath: string | null
  aggregate: { source: SourceId; rating: number; count: number; url: string | null; checkedAt: string | null } | null
  testimonials: Array<{
    id: string
    excerpt: string
    rating: number
    attribution: string
    date: string
    verification: string
    checked: string | null
    reviewUrl: string | null
    themes: string[]
  }>
}

const VERIFICATION_BY_SOURCE: Record<SourceId, string> = {
  'google-business-profile': 'Verified Google review',
  'google-places': 'Google review',
  import: 'Imported review',
}

/**
 * The public feed of one collection. It holds no build time, so the same inputs give the same
 * bytes and the same ETag, and caches keep working across rebuilds that changed nothing.
 */
export function buildPublicFeed(input: FeedInput, now: Date): PublicFeed {
  return {
    collection: { slug: input.slug, title: input.title },
    label: CURATED_LABEL,
    allReviewsPath: input.locationId ? `reviews/${encodeURIComponent(input.locationId)}` : null,
    aggregate: input.aggregate && {
      source: input.aggregate.source,
      rating: Math.round(input.aggregate.rating * 10) / 10,
      count: input.aggregate.count,
      url: input.aggregate.url,
      checkedAt: input.aggregate.checkedAt ? input.aggregate.checkedAt.toISOString().slice(0, 10) : null,
    },
    testimonials: input.testimonials.map((t) => ({
      id: t.id,
      excerpt: displayExcerpt({ start: t.excerptStart, end: t.excerptEnd, text: t.excerptText }, t.reviewText),
      rating: t.rating,
      attribution: attributionFor(t.author, t.authorization, now),
      date: t.reviewCreatedAt.toISOString().slice(0, 10),
      verification: VERIFICATION_BY_SOURCE[t.source],
      checked: t.checkedAt ? t.checkedAt.toISOString().slice(0, 10) : null,
      reviewUrl: t.reviewUrl,
      themes: [...t.themes].sort(),
    })),
  }
}
