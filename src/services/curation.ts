import { cutExcerpt, NotVerbatimError, type Excerpt } from '../domain/excerpt.ts'
import type { Db } from '../db/database.ts'
import { recordAudit } from '../db/stores/audit.ts'
import { getCollection, putCollection, type Collection } from '../db/stores/collections.ts'
import { authorizationsFor, type AuthorizationRecord } from '../db/stores/authorizations.ts'
import { feedInputFor } from '../db/stores/feeds.ts'
import { getHide } from '../db/stores/review-moderation.ts'
import { buildPublicFeed, type PublicFeed } from '../domain/feed.ts'
import { ReviewStore } from '../db/stores/reviews.ts'
import { createTestimonial, findTestimonials, setTestimonialStatus, type Testimonial } from '../db/stores/testimonials.ts'
import { NotFoundError, RuleViolationError } from './errors.ts'

export interface CreateTestimonialInput {
  reviewId: string
  start: number
  end: number
  publish: boolean
}

/**
 * Makes a testimonial from offsets into the review's current text: the words are cut, never
 * typed, so a testimonial is verbatim by construction. Rating-only and removed reviews refuse.
 */
export async function createTestimonialFromReview(db: Db, input: CreateTestimonialInput, actor: string, now: Date): Promise<Testimonial> {
  const review = await new ReviewStore(db).get(input.reviewId)
  if (!review) throw new NotFoundError(`review ${input.reviewId} does not exist`)
  if (review.status !== 'active') throw new RuleViolationError(`review ${input.reviewId} was removed from its source`)
  if (review.text.trim() === '') throw new RuleViolationError(`review ${input.reviewId} has a rating but no text to quote`)
  const hidden = await getHide(db, review.id)
  if (hidden) throw new RuleViolationError(`review ${input.reviewId} is hidden from public lists (${hidden.reason}); unhide it before quoting it`)
  const excerpt = cutVerbatim(review.text, input.start, input.end)
  const testimonial = await createTestimonial(db, { reviewId: review.id, excerpt, publish: input.publish, now })
  await recordAudit(db, { at: now, actor, action: 'testimonial.create', subject: testimonial.id, after: { reviewId: review.id, excerpt, status: testimonial.status } })
  return testimonial
}

export async function setTestimonialPublished(db: Db, id: string, published: boolean, actor: string, now: Date): Promise<Testimonial> {
  const [current] = await findTestimonials(db, [id])
  if (!current) throw new NotFoundError(`testimonial ${id} does not exist`)
  if (current.status === 'withdrawn') throw new RuleViolationError(`testimonial ${id} was withdrawn (${current.withdrawnReason ?? 'no reason recorded'}) and cannot be published`)
  const updated = (await setTestimonialStatus(db, { id, status: published ? 'published' : 'draft', now }))!
  await recordAudit(db, { at: now, actor, action: published ? 'testimonial.publish' : 'testimonial.unpublish', subject: id, before: { status: current.status }, after: { status: updated.status } })
  return updated
}

export interface PutCollectionInput {
  slug: string
  title: string
  testimonialIds: string[]
}

export async function replaceCollection(db: Db, input: PutCollectionInput, actor: string, now: Date): Promise<Collection> {
  const unique = new Set(input.testimonialIds)
  if (unique.size !== input.testimonialIds.length) throw new RuleViolationError('testimonialIds lists a testimonial twice')
  const found = new Set((await findTestimonials(db, input.testimonialIds)).map((t) => t.id))
  const missing = input.testimonialIds.filter((id) => !found.has(id))
  if (missing.length > 0) throw new RuleViolationError(`testimonialIds: unknown testimonial ${missing.map((m) => `"${m}"`).join(', ')}`)
  const before = await getCollection(db, input.slug)
  const collection = await putCollection(db, { ...input, now })
  await recordAudit(db, {
    at: now,
    actor,
    action: 'collection.put',
    subject: input.slug,
    before: before ? { title: before.title, testimonialIds: before.testimonialIds } : null,
    after: { title: input.title, testimonialIds: input.testimonialIds },
  })
  return collection
}

// ── Issue 6: the workspace's preview and collection view ───────────────────────────────────────

/**
 * The preview of an excerpt not yet saved, built by the same code as the public feed (so the
 * widget shows it exactly so). A new excerpt has no authorization: the name is "Verified patient".
 */
export async function previewExcerpt(db: Db, input: { reviewId: string; start: number; end: number }, now: Date): Promise<PublicFeed> {
  const review = await new ReviewStore(db).get(input.reviewId)
  if (!review) throw new NotFoundError(`review ${input.reviewId} does not exist`)
  const excerpt = cutVerbatim(review.text, input.start, input.end)
  return buildPublicFeed(
    {
      slug: 'preview',
      title: 'Preview',
      locationId: review.locationId,
      aggregate: null,
      testimonials: [
        {
          id: 'preview',
          excerptStart: excerpt.start,
          excerptEnd: excerpt.end,
          excerptText: excerpt.text,
          reviewText: review.text,
          rating: review.rating,
          author: review.author,
          authorization: null,
          reviewCreatedAt: review.createdAt,
          reviewUrl: review.url,
          source: review.source,
          themes: Object.entries(review.themes).filter(([, polarity]) => polarity !== 'negative').map(([theme]) => theme),
          checkedAt: null,
        },
      ],
    },
    now,
  )
}

export interface CollectionView {
  slug: string
  title: string
  items: Array<{ testimonial: Testimonial; authorizations: AuthorizationRecord[] }>
  /** What the public feed shows now. */
  feed: PublicFeed | null
}

export async function collectionView(db: Db, slug: string, now: Date): Promise<CollectionView> {
  const collection = await getCollection(db, slug)
  if (!collection) throw new NotFoundError(`collection ${slug} does not exist`)
  const byId = new Map((await findTestimonials(db, collection.testimonialIds)).map((t) => [t.id, t]))
  const authorizations = await authorizationsFor(db, collection.testimonialIds)
  const input = await feedInputFor(db, slug, now)
  return {
    slug,
    title: collection.title,
    items: collection.testimonialIds.flatMap((id) => {
      const testimonial = byId.get(id)
      return testimonial ? [{ testimonial, authorizations: authorizations.get(id) ?? [] }] : []
    }),
    feed: input ? buildPublicFeed(input, now) : null,
  }
}

/** The excerpt at these offsets, or the rule it breaks in words a curator can act on. */
function cutVerbatim(text: string, start: number, end: number): Excerpt {
  try {
    return cutExcerpt(text, start, end)
  } catch (error) {
    if (error instanceof NotVerbatimError) throw new RuleViolationError(`excerpt is not verbatim: ${error.message}`)
    throw error
  }
}
