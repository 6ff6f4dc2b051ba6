import { basename } from 'node:path'
import { parseImportRow } from '../domain/import-row.ts'
import type { ReviewInput } from '../domain/review.ts'
import type { Withdrawal } from '../domain/withdrawal.ts'
import type { Db } from '../db/database.ts'
import { newId } from '../db/ids.ts'
import { finishImportRun, recordRejections, startImportRun, type ImportCounts, type ImportRejection } from '../db/stores/imports.ts'
import { collectionsOfLocation, collectionsShowing } from '../db/stores/collections.ts'
import { ensureLocation, getLocation, importedAggregate, setAggregate } from '../db/stores/locations.ts'
import { ReviewStore } from '../db/stores/reviews.ts'
import { detectFormat, readImportFile, type RecordPosition } from '../sources/import-file.ts'
import { SeenIds } from '../domain/seen-ids.ts'

export interface ImportOptions {
  file: string
  locationId: string
  /** Receives each batch of changed review ids, in analysis-job-sized chunks. */
  enqueueAnalysis: (reviewIds: string[]) => Promise<void>
  analyzeBatchSize: number
  now: () => Date
  onProgress?: (counts: ImportCounts) => void
  /** Asks for a collection's public feed to be rebuilt: the feeds show the location's aggregate. */
  enqueueFeedRebuild?: (slug: string) => Promise<void>
}

export interface ImportResult extends ImportCounts {
  importId: string
  rejections: ImportRejection[]
  /** Testimonials withdrawn because this file changed or lowered the review they quote. */
  withdrawn: Withdrawal[]
}

/** Rows written per transaction: large enough to amortise the commit, small enough to keep memory flat. */
const WRITE_BATCH = 1000
/** A report keeps the first rejections in full; the count covers them all. */
const REJECTIONS_RETURNED = 100
/** Who the audit log names for withdrawals an import causes. */
const IMPORT_ACTOR = 'import'

/**
 * Streams an import file into the reviews table. Each bad row is recorded with its line, field and
 * value and the rest go in; unchanged rows are left alone (importing twice changes nothing); a
 * known review of this location with a new text or rating gets a new revision, and testimonials it
 * no longer supports are withdrawn with it. An id twice in one file is rejected at its second line. Changed reviews are handed on for
 * analysis as they are written, so nothing about the whole file is held in memory.
 */
export async function importReviews(db: Db, options: ImportOptions): Promise<ImportResult> {
  const format = detectFormat(options.file)
  const importId = newId('imp')
  await ensureLocation(db, { id: options.locationId, name: options.locationId })
  await startImportRun(db, { id: importId, locationId: options.locationId, fileName: basename(options.file), format, now: options.now() })

  const store = new ReviewStore(db)
  const counts: ImportCounts = { rowsRead: 0, rowsInserted: 0, rowsRevised: 0, rowsUnchanged: 0, rowsRejected: 0 }
  const firstRejections: ImportRejection[] = []
  let pendingRejections: ImportRejection[] = []
  let batch: ReviewInput[] = []
  let toAnalyze: string[] = []
  const withdrawn: Withdrawal[] = []
  let authorsChanged = false
  // Where each id first appeared in this file: a second row with it is an error, not an edit.
  const seenIds = new SeenIds()

  const reject = (position: RecordPosition, field: string, value: string | null, message: string) => {
    const rejection = { line: position.line, field, value, message: `${message} (${position.unit} ${position.line})` }
    counts.rowsRejected++
    pendingRejections.push(rejection)
    if (firstRejections.length < REJECTIONS_RETURNED) firstRejections.push(rejection)
  }

  const flush = async () => {
    const outcome = await store.upsertBatch(options.locationId, batch, options.now(), IMPORT_ACTOR)
    withdrawn.push(...outcome.withdrawn)
    authorsChanged ||= outcome.authorChangedIds.length > 0
    await recordRejections(db, importId, pendingRejections)
    counts.rowsInserted += outcome.inserted
    counts.rowsRevised += outcome.revised
    counts.rowsUnchanged += outcome.unchanged
    batch = []
    pendingRejections = []
    toAnalyze.push(...outcome.changedIds)
    while (toAnalyze.length >= options.analyzeBatchSize) {
      await options.enqueueAnalysis(toAnalyze.slice(0, options.analyzeBatchSize))
      toAnalyze = toAnalyze.slice(options.analyzeBatchSize)
    }
    options.onProgress?.({ ...counts })
  }

  try {
    for await (const entry of readImportFile(options.file, format)) {
      counts.rowsRead++
      if ('malformed' in entry) {
        reject(entry.position, entry.malformed.field, entry.malformed.value, entry.malformed.message)
      } else {
        const parsed = parseImportRow(entry.record)
        if (!parsed.ok) {
          reject(entry.position, parsed.problem.field, parsed.problem.value, parsed.problem.message)
        } else {
          const firstLine = seenIds.firstLineOrAdd(parsed.review.externalId, entry.position.line)
          if (firstLine !== undefined) {
            reject(entry.position, 'id', parsed.review.externalId, `id "${parsed.review.externalId}" appears twice in this file (first at ${entry.position.unit} ${firstLine})`)
          } else {
            batch.push(parsed.review)
          }
        }
      }
      if (batch.length >= WRITE_BATCH || pendingRejections.length >= WRITE_BATCH) await flush()
    }
    await flush()
    if (toAnalyze.length > 0) await options.enqueueAnalysis(toAnalyze)
    // A source's own aggregate (Google's) outranks one computed over imported reviews.
    const current = (await getLocation(db, options.locationId))?.aggregate
    const aggregate = await importedAggregate(db, options.locationId, options.now())
    const aggregateShown = aggregate !== null && (!current || current.source === 'import')
    if (aggregateShown) await setAggregate(db, options.locationId, aggregate)
    // A withdrawn testimonial leaves its feeds; a changed author takes the signed name off them.
    if (options.enqueueFeedRebuild && (aggregateShown || authorsChanged || withdrawn.length > 0)) {
      const slugs = new Set([...(await collectionsOfLocation(db, options.locationId)), ...(await collectionsShowing(db, withdrawn.map((w) => w.testimonialId)))])
      // A rebuild that finds the same bytes keeps the ETag, so asking when nothing changed is cheap.
      for (const slug of [...slugs].sort()) await options.enqueueFeedRebuild(slug)
    }
    await finishImportRun(db, { id: importId, counts, now: options.now() })
  } catch (error) {
    await finishImportRun(db, { id: importId, counts, now: options.now(), error: (error as Error).message })
    throw error
  }
  return { importId, ...counts, rejections: firstRejections, withdrawn }
}

