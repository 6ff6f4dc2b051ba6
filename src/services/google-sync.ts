import { incrementalCut, removedInFullSync } from '../domain/google-sync.ts'
import type { WithdrawalReason } from '../domain/withdrawal.ts'
import type { Db } from '../db/database.ts'
import { collectionsOfLocation, collectionsShowing } from '../db/stores/collections.ts'
import {
  activeExternalIds,
  getGoogleLocation,
  loadCredentials,
  markNeedsReauth,
  recordSyncError,
  recordSyncSuccess,
  saveReviewDetails,
} from '../db/stores/google.ts'
import { setAggregate } from '../db/stores/locations.ts'
import { ReviewStore } from '../db/stores/reviews.ts'
import { recordSyncOutcome } from '../db/stores/source-health.ts'
import type { TokenCipher } from '../db/token-cipher.ts'
import { GoogleBusinessClient, type CallEnvironment, type GoogleEndpoints } from '../sources/google/client.ts'
import { GoogleBadResponseError, GooglePermanentError, GoogleReauthRequiredError } from '../sources/google/errors.ts'
import { mapGoogleReview, type MappedGoogleReview } from '../sources/google/map-review.ts'
import { publishFeed } from './feed-publisher.ts'
import { accessTokenSaver } from './google-connect.ts'

const SOURCE = 'google-business-profile'
const SYNC_ACTOR = 'google-sync'

/** What a sync needs from its surroundings: Google's endpoints, the token key, the request budget, the clock. */
export interface GoogleSyncDependencies {
  db: Db
  endpoints: GoogleEndpoints | null
  cipher: TokenCipher | null
  call: CallEnvironment
  enqueueAnalysis: (locationId: string, reviewIds: string[]) => Promise<void>
  announceFeed: (slug: string) => Promise<void>
}

export interface SyncReport {
  locationId: string
  full: boolean
  /** Review pages requested from Google (token refreshes not counted). */
  pages: number
  inserted: number
  revised: number
  unchanged: number
  removed: number
  withdrawn: Array<{ testimonialId: string; reason: WithdrawalReason }>
  feedsRebuilt: string[]
  skipped: 'needs_reauth' | null
}

export class GoogleSyncSetupError extends Error {
  override name = 'GoogleSyncSetupError'
}

/** Errors after which retrying the same job cannot help: the worker fails it at once and records it. */
export function isFinalSyncError(error: unknown): boolean {
  return (
    error instanceof GoogleReauthRequiredError || error instanceof GooglePermanentError || error instanceof GoogleBadResponseError || error instanceof GoogleSyncSetupError
  )
}

/**
 * Brings Plaudit's copy of one location's Google reviews up to date. Incremental: pages newest
 * update first and stops at the first review not newer than the last successful sync. Full: walks
 * every page and marks reviews Google no longer has as removed. Either way, testimonials that no
 * longer stand are withdrawn, the aggregate is Google's own, and affected feeds are rebuilt.
 */
export async function syncGoogleLocation(deps: GoogleSyncDependencies, params: { locationId: string; full: boolean }): Promise<SyncReport> {
  const { db } = deps
  const report: SyncReport = { locationId: params.locationId, full: params.full, pages: 0, inserted: 0, revised: 0, unchanged: 0, removed: 0, withdrawn: [], feedsRebuilt: [], skipped: null }
  const state = await getGoogleLocation(db, params.locationId)
  if (!state) throw new GoogleSyncSetupError(`location "${params.locationId}" is not linked to a Google Business Profile location (plaudit google add-location)`)
  if (state.connectionStatus === 'needs_reauth') return { ...report, skipped: 'needs_reauth' }
  if (!deps.endpoints) throw new GoogleSyncSetupError('GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET are not set')
  if (!deps.cipher) throw new GoogleSyncSetupError('PLAUDIT_TOKEN_KEY is not set')
  const cipher = deps.cipher
  const credentials = await loadCredentials(db, cipher, state.connectionId)
  if (!credentials) throw new GoogleSyncSetupError(`connection "${state.connectionId}" does not exist`)

  const startedAt = deps.call.now()
  const tokens = accessTokenSaver(db, cipher, state.connectionId)
  const client = new GoogleBusinessClient(deps.endpoints, credentials, deps.call, tokens.save)
  const lastSyncAt = params.full ? null : state.lastSyncAt

  const fresh: MappedGoogleReview[] = []
  const seen = new Set<string>()
  let aggregate: { rating: number; count: number } | null = null
  try {
    let pageToken: string | undefined
    for (;;) {
      const page = await client.listReviewsPage(state.googleName, pageToken)
      report.pages++
      if (report.pages === 1 && page.averageRating !== undefined) aggregate = { rating: page.averageRating, count: page.totalReviewCount ?? 0 }
      if (report.pages === 1 && page.averageRating === undefined && (page.totalReviewCount ?? 0) === 0) aggregate = { rating: 0, count: 0 }
      const reviews = page.reviews ?? []
      const cut = incrementalCut(reviews.map((r) => new Date(r.updateTime)), lastSyncAt)
      for (const review of reviews.slice(0, cut.fresh)) {
        const mapped = mapGoogleReview(review, state.mapsUri)
        if (!mapped) continue
        fresh.push(mapped)
        seen.add(mapped.input.externalId)
      }
      if (cut.stop || !page.nextPageToken) break
      pageToken = page.nextPageToken
    }
    await tokens.flush()
  } catch (error) {
    // A token save still running finishes first; the sync's own error is the one to report.
    await tokens.flush().catch(() => undefined)
    const now = deps.call.now()
    const message = (error as Error).message
    if (error instanceof GoogleReauthRequiredError) await markNeedsReauth(db, state.connectionId, message, now)
    await recordSyncError(db, params.locationId, message, now)
    await recordSyncOutcome(db, { locationId: params.locationId, source: SOURCE, at: now, ok: false, error: message, needsReauth: error instanceof GoogleReauthRequiredError })
    throw error
  }

  const now = deps.call.now()
  const store = new ReviewStore(db)
  // Testimonials that no longer stand are withdrawn by the store, in the transaction of the change.
  const outcome = await store.upsertBatch(params.locationId, fresh.map((m) => m.input), now, SYNC_ACTOR)
  const reviewIds = outcome.ids
  // The dashboard's reply figures read each review's reply time.
  for (const [i, m] of fresh.entries()) await store.recordReply(reviewIds[i]!, m.reply ? (m.reply.updatedAt ?? now) : null)
  await saveReviewDetails(
    db,
    fresh.map((m, i) => ({
      reviewId: reviewIds[i]!,
      details: { googleUpdateTime: m.updateTime, anonymous: m.anonymous, translation: m.translation, replyComment: m.reply?.comment ?? null, replyUpdatedAt: m.reply?.updatedAt ?? null },
    })),
  )
  report.inserted = outcome.inserted
  report.revised = outcome.revised
  report.unchanged = outcome.unchanged
  const withdrawn = [...outcome.withdrawn]

  if (params.full) {
    const stored = await activeExternalIds(db, params.locationId, SOURCE)
    const gone = removedInFullSync(stored.keys(), seen).map((externalId) => stored.get(externalId)!)
    // Through the review store, so the dashboard's rollups lose the removed reviews in the same transaction.
    const removal = await store.markRemoved(gone, now, SYNC_ACTOR)
    report.removed = gone.length
    withdrawn.push(...removal.withdrawn)
  }
  for (const w of withdrawn) report.withdrawn.push({ testimonialId: w.testimonialId, reason: w.reason })

  // Google's own figure over all reviews; checkedAt is this successful sync.
  if (aggregate) await setAggregate(db, params.locationId, { source: SOURCE, rating: aggregate.rating, count: aggregate.count, url: state.mapsUri, checkedAt: startedAt })
  await recordSyncSuccess(db, params.locationId, { at: startedAt, full: params.full })
  await recordSyncOutcome(db, { locationId: params.locationId, source: SOURCE, at: startedAt, ok: true })

  const slugs = new Set([...(await collectionsShowing(db, report.withdrawn.map((w) => w.testimonialId))), ...(await collectionsOfLocation(db, params.locationId))])
  for (const slug of [...slugs].sort()) {
    const feed = await publishFeed(db, slug, now)
    if (feed?.changed) {
      await deps.announceFeed(slug)
      report.feedsRebuilt.push(slug)
    }
  }

  for (let i = 0; i < outcome.changedIds.length; i += 100) await deps.enqueueAnalysis(params.locationId, outcome.changedIds.slice(i, i + 100))
  return report
}
