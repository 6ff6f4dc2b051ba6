import { sameReviewerName } from '../domain/attribution.ts'
import type { Db } from '../db/database.ts'
import { recordAudit } from '../db/stores/audit.ts'
import { getAuthorization, insertAuthorization, markAuthorizationRevoked, collectionsWithExpiredAuthorizations, type AuthorizationRecord } from '../db/stores/authorizations.ts'
import { collectionsContaining } from '../db/stores/collections.ts'
import { ReviewStore } from '../db/stores/reviews.ts'
import { getTestimonial } from '../db/stores/testimonials.ts'
import { publishFeed } from './feed-publisher.ts'
import { NotFoundError, RuleViolationError } from './errors.ts'

export type { AuthorizationRecord }

export interface AuthorizationInput {
  testimonialId: string
  signedBy: string
  /** The reviewer name the patient signs for; by default the quoted review's author as it stands now. */
  signedName?: string | null
  signedAt: Date
  scope: string
  /** The signed form: a document reference or a stored file's name. */
  reference: string
  expiresAt: Date | null
}

/** Records the patient's signed permission; returns the collections whose feeds now show the name. */
export async function recordAuthorization(db: Db, input: AuthorizationInput, actor: string, now: Date): Promise<{ authorization: AuthorizationRecord; collections: string[] }> {
  const testimonial = await getTestimonial(db, input.testimonialId)
  if (!testimonial) throw new NotFoundError(`testimonial ${input.testimonialId} does not exist`)
  if (input.signedAt > now) throw new RuleViolationError('signedAt: an authorization cannot be signed in the future')
  if (input.expiresAt && input.expiresAt <= input.signedAt) throw new RuleViolationError('expiresAt must be after signedAt')
  const author = (await new ReviewStore(db).get(testimonial.reviewId))?.author ?? null
  const signedName = input.signedName ?? author
  // A name that is not the review's author would be shown under someone else's words, or never.
  if (signedName !== null && !sameReviewerName(signedName, author)) {
    throw new RuleViolationError(`signedName: the quoted review is by ${JSON.stringify(author)}, not ${JSON.stringify(signedName)}`)
  }
  const authorization = await insertAuthorization(db, { ...input, signedName, recordedBy: actor, now })
  await recordAudit(db, {
    at: now,
    actor,
    action: 'authorization.record',
    subject: input.testimonialId,
    after: { id: authorization.id, signedBy: input.signedBy, signedName, signedAt: input.signedAt, scope: input.scope, reference: input.reference, expiresAt: input.expiresAt },
  })
  return { authorization, collections: await collectionsContaining(db, input.testimonialId) }
}

/** Revocation takes effect at `now`; the caller rebuilds the returned collections' feeds at once. */
export async function revokeAuthorization(db: Db, id: string, actor: string, now: Date): Promise<{ authorization: AuthorizationRecord; collections: string[] }> {
  // The conditional update decides, not an earlier read: two revocations at once yield one revocation and one audit entry.
  const authorization = await db.transaction(async (tx) => {
    const revoked = await markAuthorizationRevoked(tx, id, now)
    if (!revoked) {
      if (await getAuthorization(tx, id)) throw new RuleViolationError(`authorization ${id} was already revoked`)
      throw new NotFoundError(`authorization ${id} does not exist`)
    }
    await recordAudit(tx, { at: now, actor, action: 'authorization.revoke', subject: revoked.testimonialId, before: { id, revokedAt: null }, after: { id, revokedAt: now } })
    return revoked
  })
  return { authorization, collections: await collectionsContaining(db, authorization.testimonialId) }
}

/**
 * Expiry needs no revoke click: the `expire-authorizations` job (a BullMQ job scheduler, every
 * minute) asks for the collections holding an expired authorization and rebuilds their feeds. A
 * rebuild that changes nothing keeps the stored bytes and ETag, so running it often is cheap.
 */
export async function collectionsDueForExpiry(db: Db, now: Date): Promise<string[]> {
  return collectionsWithExpiredAuthorizations(db, now)
}

/** Rebuilds the feeds due for expiry at `now`; returns the slugs whose bytes changed. */
export async function rebuildFeedsWithExpiredAuthorizations(db: Db, now: Date): Promise<string[]> {
  const changed: string[] = []
  // One feed after another: each rebuild is a few queries, and the pool is shared with other jobs.
  for (const slug of await collectionsDueForExpiry(db, now)) {
    if ((await publishFeed(db, slug, now))?.changed) changed.push(slug)
  }
  return changed
}
