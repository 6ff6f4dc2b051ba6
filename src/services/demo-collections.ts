import type { Db } from '../db/database.ts'
import { getCollection, type Collection } from '../db/stores/collections.ts'
import { strongestEvidence } from '../db/stores/reviews.ts'
import { createTestimonialFromReview, replaceCollection } from './curation.ts'

export interface DemoCollectionPlan {
  slug: string
  title: string
  themes: string[]
  size: number
}

export const DEMO_COLLECTIONS: DemoCollectionPlan[] = [
  { slug: 'home', title: 'Never rushed', themes: ['never-rushed', 'clear-explanation'], size: 4 },
  { slug: 'upper-back-pain', title: 'Upper-back pain', themes: ['posture', 'connected-care', 'root-cause'], size: 4 },
]

/**
 * Curates the demo's collections the way marketing would: the clearest praise for each page's
 * themes, cut verbatim from the tagger's evidence and published. Existing collections are kept,
 * so running the demo twice does not pile up testimonials.
 */
export async function curateDemoCollections(db: Db, locationId: string, actor: string, now: Date): Promise<Collection[]> {
  const made: Collection[] = []
  for (const plan of DEMO_COLLECTIONS) {
    const existing = await getCollection(db, plan.slug)
    if (existing && existing.testimonialIds.length > 0) {
      made.push(existing)
      continue
    }
    const chosen = new Set<string>()
    const testimonialIds: string[] = []
    for (const theme of plan.themes) {
      for (const span of await strongestEvidence(db, { locationId, theme, polarity: 'positive', minRating: 4, limit: plan.size })) {
        if (testimonialIds.length >= plan.size || chosen.has(span.reviewId)) continue
        chosen.add(span.reviewId)
        testimonialIds.push((await createTestimonialFromReview(db, { reviewId: span.reviewId, start: span.start, end: span.end, publish: true }, actor, now)).id)
      }
    }
    made.push(await replaceCollection(db, { slug: plan.slug, title: plan.title, testimonialIds }, actor, now))
  }
  return made
}
