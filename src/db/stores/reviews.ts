import type { Statement } from 'better-sqlite3'
import { contentHash } from '../../domain/content-hash.ts'
import type { Polarity, Review, ReviewInput, SourceId, TagResult } from '../../domain/review.ts'
import type { Db } from '../database.ts'
import { reviewIdFor } from '../ids.ts'
import { reviews } from '../schema.ts'
import { eq } from 'drizzle-orm'
import { RollupWriter } from './rollups.ts'

export interface UpsertOutcome {
  inserted: number
  revised: number
  unchanged: number
  /** Reviews whose text or rating is new or changed: they need (re)analysis. */
  changedIds: string[]
}

export interface ReviewForAnalysis {
  id: string
  text: string
  rating: number
  contentHash: string
}

export interface AnalysisToSave {
  reviewId: string
  contentHash: string
  result: TagResult
}

export function toReview(row: typeof reviews.$inferSelect, themes: Record<string, Polarity> = {}): Review {
  return {
    id: row.id,
    locationId: row.locationId,
    source: row.source as SourceId,
    externalId: row.externalId,
    author: row.author,
    rating: row.rating,
    text: row.text,
    url: row.url,
    createdAt: new Date(row.createdAt),
    updatedAt: new Date(row.updatedAt),
    revision: row.revision,
    contentHash: row.contentHash,
    status: row.status,
    themes,
  }
}

/**
 * Reviews and their revisions. Writes go through prepared statements inside one transaction per
 * batch: the import's hot path, where drizzle's query building would cost more than SQLite itself.
 */
export class ReviewStore {
  private readonly findExisting: Statement<[string], { id: string; content_hash: string; revision: number; status: string }>
  private readonly insertReview: Statement
  private readonly reviseReview: Statement
  private readonly insertRevision: Statement
  private readonly upsertTransaction: (locationId: string, inputs: ReviewInput[], now: string) => UpsertOutcome
  private readonly saveTransaction: (analyses: AnalysisToSave[], packId: string, packVersion: number) => number
  private readonly removeTransaction: (ids: string[], now: string) => number
  /** Dashboard rollups (issue 8), written in the same transactions as the reviews and themes. */
  private readonly rollups: RollupWriter

  constructor(private readonly db: Db) {
    const sqlite = db.$client
    this.rollups = new RollupWriter(sqlite)
    this.findExisting = sqlite.prepare('select id, content_hash, revision, status from reviews where id = ?')
    this.insertReview = sqlite.prepare(
      `insert into reviews (id, location_id, source, external_id, author, rating, text, url, created_at, updated_at, revision, content_hash, status)
       values (@id, @locationId, @source, @externalId, @author, @rating, @text, @url, @createdAt, @now, 1, @hash, 'active')`,
    )
    this.reviseReview = sqlite.prepare(
      `update reviews set author = @author, rating = @rating, text = @text, url = @url, updated_at = @now,
       revision = @revision, content_hash = @hash, status = 'active' where id = @id`,
    )
    this.insertRevision = sqlite.prepare(
      `insert into review_revisions (review_id, revision, content_hash, rating, text, recorded_at)
       values (?, ?, ?, ?, ?, ?) on conflict do nothing`,
    )
    // BEGIN IMMEDIATE: a transaction that reads and then writes would otherwise fail at once with
    // SQLITE_BUSY when another process wrote in between; taking the write lock first lets it wait.
    const upsert = sqlite.transaction((locationId: string, inputs: ReviewInput[], now: string) => {
      const outcome = this.upsertEach(locationId, inputs, now)
      this.rollups.flush()
      return outcome
    })
    this.upsertTransaction = (...args) => this.discardingOnError(() => upsert.immediate(...args))

    const deleteMentions = sqlite.prepare('delete from mentions where review_id = ?')
    const deleteThemes = sqlite.prepare('delete from review_themes where review_id = ?')
    const insertMention = sqlite.prepare(
      'insert into mentions (review_id, theme, polarity, start, "end", score, pack_id, pack_version) values (?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing',
    )
    const insertTheme = sqlite.prepare('insert into review_themes (review_id, theme, polarity) values (?, ?, ?)')
    const markAnalyzed = sqlite.prepare('update reviews set analyzed_hash = ? where id = ? and content_hash = ?')
    const save = sqlite.transaction((analyses: AnalysisToSave[], packId: string, packVersion: number) => {
      let saved = 0
      for (const analysis of analyses) {
        // A review edited since it was read is left for the job its edit enqueued.
        if (markAnalyzed.run(`${packId}@${packVersion}:${analysis.contentHash}`, analysis.reviewId, analysis.contentHash).changes === 0) continue
        const before = this.rollups.contributionOf(analysis.reviewId)
        deleteMentions.run(analysis.reviewId)
        deleteThemes.run(analysis.reviewId)
        for (const m of analysis.result.mentions) {
          insertMention.run(analysis.reviewId, m.theme, m.polarity, m.start, m.end, m.score, packId, packVersion)
        }
        for (const [theme, polarity] of Object.entries(analysis.result.themes)) insertTheme.run(analysis.reviewId, theme, polarity)
        this.rollups.replace(before, this.rollups.contributionOf(analysis.reviewId))
        saved++
      }
      this.rollups.flush()
      return saved
    })
    this.saveTransaction = (...args) => this.discardingOnError(() => save.immediate(...args))

    const markRemoved = sqlite.prepare(`update reviews set status = 'removed', updated_at = ? where id = ? and status = 'active'`)
    const remove = sqlite.transaction((ids: string[], now: string) => {
      let removed = 0
      for (const id of ids) {
        const before = this.rollups.contributionOf(id)
        if (markRemoved.run(now, id).changes === 0) continue
        this.rollups.replace(before, null)
        removed++
      }
      this.rollups.flush()
      return removed
    })
    this.removeTransaction = (...args) => this.discardingOnError(() => remove.immediate(...args))
  }

  /** A rolled-back transaction leaves no rollup changes waiting for the next one. */
  private discardingOnError<T>(run: () => T): T {
    try {
      return run()
    } catch (error) {
      this.rollups.discard()
      throw error
    }
  }

  /**
   * Marks reviews as removed at their source (a full sync no longer finds them); they leave every
   * dashboard figure in the same transaction. Returns how many were active before.
   */
  markRemoved(ids: string[], now: Date): number {
    return this.removeTransaction(ids, now.toISOString())
  }

  upsertBatch(locationId: string, inputs: ReviewInput[], now: Date): UpsertOutcome {
    return this.upsertTransaction(locationId, inputs, now.toISOString())
  }

  private upsertEach(locationId: string, inputs: ReviewInput[], now: string): UpsertOutcome {
    const outcome: UpsertOutcome = { inserted: 0, revised: 0, unchanged: 0, changedIds: [] }
    for (const input of inputs) {
      const id = reviewIdFor(input.source, input.externalId)
      const hash = contentHash(input.rating, input.text)
      const existing = this.findExisting.get(id)
      const values = {
        id,
        locationId,
        source: input.source,
        externalId: input.externalId,
        author: input.author,
        rating: input.rating,
        text: input.text,
        url: input.url,
        createdAt: input.createdAt.toISOString(),
        now,
        hash,
      }
      if (!existing) {
        this.insertReview.run(values)
        this.rollups.addNewReview(locationId, values.createdAt, input.rating)
        this.insertRevision.run(id, 1, hash, input.rating, input.text, now)
        outcome.inserted++
        outcome.changedIds.push(id)
      } else if (existing.content_hash !== hash || existing.status !== 'active') {
        const revision = existing.content_hash === hash ? existing.revision : existing.revision + 1
        const before = this.rollups.contributionOf(id)
        this.reviseReview.run({ ...values, revision })
        this.rollups.replace(before, this.rollups.contributionOf(id))
        this.insertRevision.run(id, revision, hash, input.rating, input.text, now)
        outcome.revised++
        outcome.changedIds.push(id)
      } else {
        outcome.unchanged++
      }
    }
    return outcome
  }

  /** When the practice's reply was posted (null: none, or deleted). Written by the Google sync; the dashboard reads it. */
  recordReply(reviewId: string, replyTime: Date | null): void {
    this.db.$client.prepare('update reviews set reply_time = ? where id = ?').run(replyTime?.toISOString() ?? null, reviewId)
  }

  forAnalysis(ids: string[]): ReviewForAnalysis[] {
    if (ids.length === 0) return []
    const placeholders = ids.map(() => '?').join(',')
    return this.db.$client
      .prepare(`select id, text, rating, content_hash as contentHash from reviews where status = 'active' and id in (${placeholders})`)
      .all(...ids) as ReviewForAnalysis[]
  }

  /** Replaces each review's mentions with the new analysis; running it twice leaves the same rows. */
  saveAnalyses(analyses: AnalysisToSave[], packId: string, packVersion: number): number {
    return this.saveTransaction(analyses, packId, packVersion)
  }

  get(id: string): Review | null {
    const row = this.db.select().from(reviews).where(eq(reviews.id, id)).get()
    return row ? toReview(row, this.themesOf([id]).get(id)) : null
  }

  themesOf(ids: string[]): Map<string, Record<string, Polarity>> {
    const byReview = new Map<string, Record<string, Polarity>>()
    if (ids.length === 0) return byReview
    const rows = this.db.$client
      .prepare(`select review_id, theme, polarity from review_themes where review_id in (${ids.map(() => '?').join(',')}) order by theme`)
      .all(...ids) as Array<{ review_id: string; theme: string; polarity: Polarity }>
    for (const row of rows) {
      const themes = byReview.get(row.review_id) ?? {}
      themes[row.theme] = row.polarity
      byReview.set(row.review_id, themes)
    }
    return byReview
  }

  mentionsOf(reviewId: string): Array<{ theme: string; polarity: Polarity; start: number; end: number; score: number }> {
    return this.db.$client
      .prepare('select theme, polarity, start, "end", score from mentions where review_id = ? order by start, theme')
      .all(reviewId) as Array<{ theme: string; polarity: Polarity; start: number; end: number; score: number }>
  }

  countUnanalyzed(locationId: string): number {
    const row = this.db.$client
      .prepare(`select count(*) as n from reviews where location_id = ? and status = 'active' and (analyzed_hash is null or analyzed_hash not like '%:' || content_hash)`)
      .get(locationId) as { n: number }
    return row.n
  }
}

export interface EvidenceSpan {
  reviewId: string
  start: number
  end: number
}

/** The clearest evidence of a theme: for suggesting excerpts, highest score and rating first. */
export function strongestEvidence(db: Db, params: { locationId: string; theme: string; polarity: Polarity; minRating: number; limit: number }): EvidenceSpan[] {
  return db.$client
    .prepare(
      `select m.review_id as reviewId, m.start, m."end" as "end" from mentions m join reviews r on r.id = m.review_id
       where r.location_id = ? and r.status = 'active' and m.theme = ? and m.polarity = ? and r.rating >= ?
       order by m.score desc, r.rating desc, r.created_at desc, r.id limit ?`,
    )
    .all(params.locationId, params.theme, params.polarity, params.minRating, params.limit) as EvidenceSpan[]
}
