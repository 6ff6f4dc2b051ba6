import type { TagResult } from '../domain/review.ts'
import type { ThemePack } from '../domain/themes/pack.ts'
import { createTagger } from '../domain/themes/tagger.ts'
import type { Db } from '../db/database.ts'
import { ReviewStore, type AnalysisToSave } from '../db/stores/reviews.ts'

export interface Analyzer {
  pack: ThemePack
  tag: (text: string, rating?: number) => TagResult
  /** Picks up a changed pack or model (stored analyzers); called once per batch, not per review. */
  refresh?: () => Promise<void>
}

export function createAnalyzer(pack: ThemePack): Analyzer {
  return { pack, tag: createTagger(pack) }
}

/** Reviews tagged between two turns of the event loop, so the worker can renew its job lock. */
const TAGGED_PER_TURN = 25

/**
 * Tags a batch of reviews and replaces their mentions. Idempotent: the same ids give the same
 * rows however often the job runs; ids of reviews removed meanwhile are skipped.
 */
export async function analyzeReviews(db: Db, analyzer: Analyzer, reviewIds: string[]): Promise<{ analyzed: number; skipped: number }> {
  await analyzer.refresh?.()
  // Another job may refresh the shared analyzer while this one waits: tag and save with one pack.
  const { pack, tag } = analyzer
  const store = new ReviewStore(db)
  const found = await store.forAnalysis(reviewIds)
  const analyses: AnalysisToSave[] = []
  for (const [index, review] of found.entries()) {
    // Tagging is CPU work: a long batch that never yields would let the job's lock lapse, and
    // BullMQ would hand the job to another worker while this one is still on it.
    if (index > 0 && index % TAGGED_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve))
    analyses.push({ reviewId: review.id, contentHash: review.contentHash, result: tag(review.text, review.rating) })
  }
  const analyzed = await store.saveAnalyses(analyses, pack.id, pack.version)
  return { analyzed, skipped: reviewIds.length - analyzed }
}
