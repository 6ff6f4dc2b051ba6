import { UnrecoverableError, type Job } from 'bullmq'
import type { JobData, JobName } from '../jobs/contracts.ts'
import type { Db } from '../db/database.ts'
import { analyzeReviews, type Analyzer } from '../services/analyze-reviews.ts'
import { publishFeed } from '../services/feed-publisher.ts'
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
  return {
    'analyze-reviews': async (data) => analyzeReviews(deps.db, deps.analyzer, data.reviewIds),
    'rebuild-feed': async (data) => {
      const feed = publishFeed(deps.db, data.slug, deps.now())
      if (feed) await deps.announceFeed(data.slug)
      return { etag: feed?.etag ?? null }
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
