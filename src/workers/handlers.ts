import type { Job } from 'bullmq'
import type { JobData, JobName } from '../jobs/contracts.ts'
import type { Db } from '../db/database.ts'
import { analyzeReviews, type Analyzer } from '../services/analyze-reviews.ts'
import { publishFeed } from '../services/feed-publisher.ts'
import { runBackfill } from '../services/theme-backfill.ts'

/** One handler per job name: a job added to the contracts without a handler does not compile. */
export type Handlers = { [K in JobName]: (data: JobData<K>, job: Job) => Promise<unknown> }

export interface HandlerDependencies {
  db: Db
  analyzer: Analyzer
  now: () => Date
  /** Tells API processes that a feed has new bytes. */
  announceFeed: (slug: string) => Promise<void>
}

export function createHandlers(deps: HandlerDependencies): Handlers {
  return {
    'analyze-reviews': async (data) => analyzeReviews(deps.db, deps.analyzer, data.reviewIds),
    'rebuild-feed': async (data) => {
      const feed = publishFeed(deps.db, data.slug, deps.now())
      if (feed) await deps.announceFeed(data.slug)
      return { etag: feed?.etag ?? null }
    },
    'backfill-themes': async (data, job) => {
      const b = await runBackfill(deps.db, deps.analyzer, data.backfillId, deps.now, (p) => job.updateProgress(p))
      return { status: b.status, done: b.done, total: b.total }
    },
  }
}
