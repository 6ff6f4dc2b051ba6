import { UnrecoverableError, type Job } from 'bullmq'
import type { JobData, JobName } from '../jobs/contracts.ts'
import type { Db } from '../db/database.ts'
import { analyzeReviews, type Analyzer } from '../services/analyze-reviews.ts'
import { collectionsQuotingReviews } from '../db/stores/collections.ts'
import { publishFeed } from '../services/feed-publisher.ts'
import { rebuildFeedsWithExpiredAuthorizations } from '../services/authorizations.ts'
import { runBackfill } from '../services/theme-backfill.ts'
import { isFinalSyncError, syncGoogleLocation, type GoogleSyncDependencies } from '../services/google-sync.ts'

/** One handler per job name: a job added to the contracts without a handler does not compile. */
export type Handlers = { [K in JobName]: (data: JobData<K>, job: Job) => Promise<unknown> }

export interface HandlerDependencies {
  db: Db
  analyzer: Analyzer
  now: () => Date
  /** Tells API processes that a feed has new bytes. */
  announceFeed: (slug: string) => Promise<void>
  /** Google sync wiring (issue 4); without it sync-location jobs fail for good, saying why. */
  google?: Pick<GoogleSyncDependencies, 'endpoints' | 'cipher' | 'call' | 'enqueueAnalysis'>
}

export function createHandlers(deps: HandlerDependencies): Handlers {
  const rebuildFeed = async (slug: string): Promise<{ etag: string | null; changed: boolean }> => {
    const feed = await publishFeed(deps.db, slug, deps.now())
    // Announced only when the bytes changed: one change, one announcement, however many workers.
    if (feed?.changed) await deps.announceFeed(slug)
    return { etag: feed?.etag ?? null, changed: feed?.changed ?? false }
  }
  return {
    'analyze-reviews': async (data) => {
      const result = await analyzeReviews(deps.db, deps.analyzer, data.reviewIds)
      // Widget freshness: a review that was edited (new text, new themes) and is quoted in a
      // collection gets that collection's feed rebuilt now, not at the next curation change.
      for (const slug of await collectionsQuotingReviews(deps.db, data.reviewIds)) await rebuildFeed(slug)
      return result
    },
    'rebuild-feed': async (data) => rebuildFeed(data.slug),
    'expire-authorizations': async () => {
      const rebuilt = await rebuildFeedsWithExpiredAuthorizations(deps.db, deps.now())
      for (const slug of rebuilt) await deps.announceFeed(slug)
      return { rebuilt }
    },
    'backfill-themes': async (data, job) => {
      const b = await runBackfill(deps.db, deps.analyzer, data.backfillId, deps.now, (p) => job.updateProgress(p))
      return { status: b.status, done: b.done, total: b.total }
    },
    'sync-location': async (data) => {
      if (!deps.google) throw new UnrecoverableError('Google sync is not configured in this worker')
      try {
        return await syncGoogleLocation({ db: deps.db, announceFeed: deps.announceFeed, ...deps.google }, data)
      } catch (error) {
        // 400/403/404, 401/invalid_grant and unreadable bodies cannot be fixed by retrying this job.
        if (isFinalSyncError(error)) throw new UnrecoverableError(`${(error as Error).name}: ${(error as Error).message}`)
        throw error
      }
    },
  }
}
