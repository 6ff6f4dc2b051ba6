import type { Db } from '../db/database.ts'
import { activePackId, currentPackVersion, modelStamp, createBackfill, getBackfill, reviewIdsAfter, updateBackfill, type Backfill } from '../db/stores/theme-packs.ts'
import { analyzeReviews, type Analyzer } from './analyze-reviews.ts'
import { NotFoundError } from './errors.ts'
import { ensureShippedPacks, getPack, taggerFor } from './theme-packs.ts'

// Re-tagging every review after a pack change, and the analyzer that follows the stored pack.

/**
 * An analyzer over the active stored pack. `refresh` costs two indexed reads: it rebuilds the
 * tagger only when the active pack, its version or its model changed. Tagging itself stays
 * synchronous: `tag` works on what the last refresh loaded.
 */
export async function createStoredAnalyzer(db: Db, now: () => Date): Promise<Analyzer> {
  await ensureShippedPacks(db, now())
  let key = ''
  const load = async () => {
    const id = (await activePackId(db))!
    const next = `${id}@${await currentPackVersion(db, id)}/${await modelStamp(db, id)}`
    if (next === key) return
    const pack = await getPack(db, id)
    const tag = await taggerFor(db, pack)
    // Set together, after the reads: nobody sees a pack with another pack's tagger.
    key = next
    analyzer.pack = pack
    analyzer.tag = tag
  }
  // Jobs running at once share the analyzer: refreshes run one after another, so an older read
  // can never overwrite a newer pack, and each caller sees the state of its own call or later.
  let refreshing: Promise<void> = Promise.resolve()
  const analyzer: Analyzer = {
    pack: await getPack(db, (await activePackId(db))!),
    tag: () => ({ themes: {}, mentions: [] }),
    refresh() {
      const run = refreshing.then(load)
      refreshing = run.catch(() => undefined)
      return run
    },
  }
  await analyzer.refresh!()
  return analyzer
}

export const BACKFILL_BATCH = 500

/** The backfill for the active pack's current version (created once; asking again returns it). */
export async function backfillForActivePack(db: Db, now: Date): Promise<Backfill> {
  const id = await activePackId(db)
  if (id === null) throw new NotFoundError('no theme pack is active')
  return createBackfill(db, id, (await currentPackVersion(db, id))!, now)
}

export async function backfillStatus(db: Db, backfillId: string): Promise<Backfill> {
  const b = await getBackfill(db, backfillId)
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
  let b = await backfillStatus(db, backfillId)
  if (b.status === 'finished') return b
  await updateBackfill(db, b.id, { status: 'running' })
  let done = b.done
  let cursor = b.cursor
  for (;;) {
    await analyzer.refresh?.()
    if (analyzer.pack.id !== b.packId || analyzer.pack.version !== b.packVersion) {
      await updateBackfill(db, b.id, { status: 'failed', finishedAt: now().toISOString() })
      return backfillStatus(db, b.id)
    }
    const ids = await reviewIdsAfter(db, cursor, batchSize)
    if (ids.length === 0) break
    await analyzeReviews(db, analyzer, ids)
    done += ids.length
    cursor = ids[ids.length - 1]!
    const total = Math.max(b.total, done)
    await updateBackfill(db, b.id, { done, cursor, total })
    await onProgress({ done, total })
  }
  await updateBackfill(db, b.id, { status: 'finished', finishedAt: now().toISOString(), total: done })
  b = await backfillStatus(db, b.id)
  await onProgress({ done: b.done, total: b.total })
  return b
}
