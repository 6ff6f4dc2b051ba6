import type { Db } from '../db/database.ts'
import { activePackId, currentPackVersion, modelStamp, createBackfill, getBackfill, reviewIdsAfter, updateBackfill, type Backfill } from '../db/stores/theme-packs.ts'
import { analyzeReviews, type Analyzer } from './analyze-reviews.ts'
import { NotFoundError } from './errors.ts'
import { ensureShippedPacks, getPack, taggerFor } from './theme-packs.ts'

// Re-tagging every review after a pack change, and the analyzer that follows the stored pack.

/**
 * An analyzer over the active stored pack. `refresh` costs two indexed reads: it rebuilds the
 * tagger only when the active pack, its version or its model changed.
 */
export function createStoredAnalyzer(db: Db, now: () => Date): Analyzer {
  ensureShippedPacks(db, now())
  let key = ''
  const analyzer: Analyzer = {
    pack: getPack(db, activePackId(db)!),
    tag: () => ({ themes: {}, mentions: [] }),
    refresh() {
      const id = activePackId(db)!
      const next = `${id}@${currentPackVersion(db, id)}/${modelStamp(db, id)}`
      if (next === key) return
      key = next
      analyzer.pack = getPack(db, id)
      analyzer.tag = taggerFor(db, analyzer.pack)
    },
  }
  analyzer.refresh!()
  return analyzer
}

export const BACKFILL_BATCH = 500

/** The backfill for the active pack's current version (created once; asking again returns it). */
export function backfillForActivePack(db: Db, now: Date): Backfill {
  const id = activePackId(db)
  if (id === null) throw new NotFoundError('no theme pack is active')
  return createBackfill(db, id, currentPackVersion(db, id)!, now)
}

export function backfillStatus(db: Db, backfillId: string): Backfill {
  const b = getBackfill(db, backfillId)
  if (b === null) throw new NotFoundError(`backfill ${backfillId} does not exist`)
  return b
}

/**
 * Re-tags every active review in id order, a batch at a time, saving the cursor after each batch.
 * After a crash the retried job resumes at the cursor; a batch done twice leaves the same rows
 * (analyzeReviews replaces a review's mentions). A backfill of a version that is no longer
 * current stops: the newer version's own backfill covers every review.
 */
export async function runBackfill(
  db: Db, analyzer: Analyzer, backfillId: string, now: () => Date,
  onProgress: (progress: { done: number; total: number }) => Promise<void>,
  batchSize = BACKFILL_BATCH,
): Promise<Backfill> {
  let b = backfillStatus(db, backfillId)
  if (b.status === 'finished') return b
  updateBackfill(db, b.id, { status: 'running' })
  let done = b.done
  let cursor = b.cursor
  for (;;) {
    analyzer.refresh?.()
    if (analyzer.pack.id !== b.packId || analyzer.pack.version !== b.packVersion) {
      updateBackfill(db, b.id, { status: 'failed', finishedAt: now().toISOString() })
      return backfillStatus(db, b.id)
    }
    const ids = reviewIdsAfter(db, cursor, batchSize)
    if (ids.length === 0) break
    await analyzeReviews(db, analyzer, ids)
    done += ids.length
    cursor = ids[ids.length - 1]!
    const total = Math.max(b.total, done)
    updateBackfill(db, b.id, { done, cursor, total })
    await onProgress({ done, total })
  }
  updateBackfill(db, b.id, { status: 'finished', finishedAt: now().toISOString(), total: done })
  b = backfillStatus(db, b.id)
  await onProgress({ done: b.done, total: b.total })
  return b
}
