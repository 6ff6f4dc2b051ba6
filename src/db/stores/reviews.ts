import { sql, type SQL } from 'drizzle-orm'
import { contentHash } from '../../domain/content-hash.ts'
import type { Polarity, Review, ReviewInput, SourceId, TagResult } from '../../domain/review.ts'
import type { ReviewChange, Withdrawal } from '../../domain/withdrawal.ts'
import { inBatches, inList, type Db, type SqlRunner } from '../database.ts'
import { reviewIdFor } from '../ids.ts'
import type { reviews } from '../schema.ts'
import { withdrawStaleTestimonials } from './testimonials.ts'
import { contributionFrom, RollupWriter, themesByReview, type ReviewForRollup } from './rollups.ts'

export interface UpsertOutcome {
  inserted: number
  revised: number
  unchanged: number
  /** The stored id of each input, in the order given. */
  ids: string[]
  /** Reviews whose text or rating is new or changed: they need (re)analysis. */
  changedIds: string[]
  /** Testimonials withdrawn in the same transaction because their review changed under them. */
  withdrawn: Withdrawal[]
  /** Known reviews whose author changed: a name signed for under their testimonials no longer applies. */
  authorChangedIds: string[]
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

/** Review columns with the names of the domain's Review (for `toReview`). */
const REVIEW_COLUMNS = sql.raw(
  `id, location_id as "locationId", source, external_id as "externalId", author, rating, text, url, created_at as "createdAt",
   updated_at as "updatedAt", revision, content_hash as "contentHash", status, analyzed_hash as "analyzedHash", reply_time as "replyTime"`,
)

const REVIEW_INSERT_COLUMNS = [
  'id', 'location_id', 'source', 'external_id', 'author', 'rating', 'text', 'url', 'created_at', 'updated_at', 'revision', 'content_hash', 'status',
]
const REVISION_COLUMNS = ['review_id', 'revision', 'content_hash', 'rating', 'text', 'recorded_at']
const MENTION_COLUMNS = ['review_id', 'theme', 'polarity', 'start', 'end', 'score', 'pack_id', 'pack_version']

/** PostgreSQL: lock the rows a batch reads before it writes them, so two processes never both count one change. */
const forUpdate = (tx: SqlRunner) => (tx.dialect === 'postgres' ? sql` order by id for update` : sql``)

interface ExistingReview extends ReviewForRollup {
  source: string
  externalId: string
  author: string | null
  text: string
  contentHash: string
  revision: number
}

const naturalKey = (source: string, externalId: string) => `${source}\u0000${externalId}`

/** Another process inserted a review of this batch between our read and our insert: the batch is run again. */
class ConcurrentInsert extends Error {}

/**
 * Reviews and their revisions. A batch is one transaction of a few multi-row statements: the
 * import's hot path, on SQLite (one writer at a time) and on PostgreSQL (many processes at once:
 * the rows a batch changes are locked first, rollup rows are written in key order).
 */
export class ReviewStore {
  constructor(private readonly db: Db) {}

  /**
   * Marks reviews as removed at their source (a full sync no longer finds them); they leave every
   * dashboard figure in the same transaction. Returns how many were active before.
   */
  async markRemoved(ids: string[], now: Date, actor = 'system'): Promise<{ removed: number; withdrawn: Withdrawal[] }> {
    if (ids.length === 0) return { removed: 0, withdrawn: [] }
    const at = now.toISOString()
    return this.db.transaction(async (tx) => {
      const rollups = new RollupWriter()
      let removed = 0
      const withdrawn: Withdrawal[] = []
      for (const part of inBatches(ids)) {
        const rows = await this.readForChange(tx, sql`id in ${inList(part)}`)
        const active = rows.filter((r) => r.status === 'active')
        if (active.length === 0) continue
        const themes = await themesByReview(tx, active.map((r) => r.id))
        removed += await tx.run(sql`update reviews set status = 'removed', updated_at = ${at} where status = 'active' and id in ${inList(active.map((r) => r.id))}`)
        for (const review of active) rollups.replace(contributionFrom(review, themes.get(review.id) ?? []), null)
        const changes = active.map((r) => ({ reviewId: r.id, before: { rating: r.rating, text: r.text }, after: null }))
        withdrawn.push(...(await withdrawStaleTestimonials(tx, changes, { actor, now })))
      }
      await rollups.flush(tx)
      return { removed, withdrawn }
    })
  }

  /**
   * Writes one location's reviews, found by (location, source, external id): a batch can never touch
   * another location's rows. Testimonials a change leaves standing on words, a rating or a review that
   * is no longer there are withdrawn (audited as `actor`) in the same transaction.
   */
  async upsertBatch(locationId: string, inputs: ReviewInput[], now: Date, actor = 'system'): Promise<UpsertOutcome> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction((tx) => this.upsertEach(tx, locationId, inputs, now, actor))
      } catch (error) {
        if (!(error instanceof ConcurrentInsert) || attempt === 3) throw error
      }
    }
  }

  private async readForChange(tx: SqlRunner, where: SQL): Promise<ExistingReview[]> {
    return tx.all<ExistingReview>(
      sql`select id, location_id as "locationId", source, external_id as "externalId", author, text, created_at as "createdAt", rating, status,
                 content_hash as "contentHash", revision
          from reviews where ${where}${forUpdate(tx)}`,
    )
  }

  /** The location's stored reviews with these natural keys, by natural key. */
  private async readByNaturalKey(tx: SqlRunner, locationId: string, inputs: ReviewInput[]): Promise<Map<string, ExistingReview>> {
    const bySource = new Map<string, Set<string>>()
    for (const input of inputs) bySource.set(input.source, (bySource.get(input.source) ?? new Set()).add(input.externalId))
    const found = new Map<string, ExistingReview>()
    for (const [source, externalIds] of bySource) {
      const rows = await this.readForChange(tx, sql`location_id = ${locationId} and source = ${source} and external_id in ${inList([...externalIds])}`)
      for (const row of rows) found.set(naturalKey(row.source, row.externalId), row)
    }
    return found
  }

  private async upsertEach(tx: SqlRunner, locationId: string, inputs: ReviewInput[], nowDate: Date, actor: string): Promise<UpsertOutcome> {
    const now = nowDate.toISOString()
    const outcome: UpsertOutcome = { inserted: 0, revised: 0, unchanged: 0, ids: [], changedIds: [], withdrawn: [], authorChangedIds: [] }
    const rollups = new RollupWriter()
    for (const part of inBatches(inputs)) {
      const existing = await this.readByNaturalKey(tx, locationId, part)
      const themes = await themesByReview(tx, [...existing.values()].map((r) => r.id))
      const inserts: unknown[][] = []
      const revisions: unknown[][] = []
      const updates: SQL[] = []
      const changes: ReviewChange[] = []
      for (const input of part) {
        const key = naturalKey(input.source, input.externalId)
        const hash = contentHash(input.rating, input.text)
        const createdAt = input.createdAt.toISOString()
        const before = existing.get(key)
        if (!before) {
          const id = reviewIdFor(locationId, input.source, input.externalId)
          inserts.push([id, locationId, input.source, input.externalId, input.author, input.rating, input.text, input.url, createdAt, now, 1, hash, 'active'])
          revisions.push([id, 1, hash, input.rating, input.text, now])
          rollups.addNewReview(locationId, createdAt, input.rating)
          // The same review twice in one batch: the second copy finds the first.
          existing.set(key, { id, locationId, source: input.source, externalId: input.externalId, author: input.author, text: input.text, createdAt, rating: input.rating, status: 'active', contentHash: hash, revision: 1 })
          themes.set(id, [])
          outcome.ids.push(id)
          outcome.inserted++
          outcome.changedIds.push(id)
          continue
        }
        const id = before.id
        outcome.ids.push(id)
        const authorChanged = (before.author ?? null) !== (input.author ?? null)
        if (before.contentHash !== hash || before.status !== 'active' || authorChanged) {
          const contentChanged = before.contentHash !== hash || before.status !== 'active'
          const revision = before.contentHash === hash ? before.revision : before.revision + 1
          const after: ExistingReview = { ...before, author: input.author, text: input.text, rating: input.rating, status: 'active', contentHash: hash, revision }
          // The themes stay until the re-analysis this edit enqueues replaces them.
          rollups.replace(contributionFrom(before, themes.get(id) ?? []), contributionFrom(after, themes.get(id) ?? []))
          existing.set(key, after)
          updates.push(sql`update reviews set author = ${input.author}, rating = ${input.rating}, text = ${input.text}, url = ${input.url}, updated_at = ${now},
            revision = ${revision}, content_hash = ${hash}, status = 'active' where id = ${id}`)
          if (authorChanged) outcome.authorChangedIds.push(id)
          if (!contentChanged) {
            outcome.unchanged++
            continue
          }
          revisions.push([id, revision, hash, input.rating, input.text, now])
          if (before.status === 'active') changes.push({ reviewId: id, before: { rating: before.rating, text: before.text }, after: { rating: input.rating, text: input.text } })
          outcome.revised++
          outcome.changedIds.push(id)
        } else {
          outcome.unchanged++
        }
      }
      // Only on PostgreSQL can a review of this batch have been inserted by another process since
      // our read (SQLite has one writer): the batch then runs again.
      if ((await tx.insertRows('reviews', REVIEW_INSERT_COLUMNS, inserts, 'on conflict do nothing')) !== inserts.length) {
        throw new ConcurrentInsert('a review of this batch was inserted by another process meanwhile')
      }
      for (const update of updates) await tx.run(update)
      await tx.insertRows('review_revisions', REVISION_COLUMNS, revisions, 'on conflict do nothing')
      outcome.withdrawn.push(...(await withdrawStaleTestimonials(tx, changes, { actor, now: nowDate })))
    }
    await rollups.flush(tx)
    return outcome
  }

  /** When the practice's reply was posted (null: none, or deleted). Written by the Google sync; the dashboard reads it. */
  async recordReply(reviewId: string, replyTime: Date | null): Promise<void> {
    await this.db.run(sql`update reviews set reply_time = ${replyTime?.toISOString() ?? null} where id = ${reviewId}`)
  }

  async forAnalysis(ids: string[]): Promise<ReviewForAnalysis[]> {
    const found: ReviewForAnalysis[] = []
    for (const part of inBatches(ids)) {
      found.push(
        ...(await this.db.all<ReviewForAnalysis>(
          sql`select id, text, rating, content_hash as "contentHash" from reviews where status = 'active' and id in ${inList(part)}`,
        )),
      )
    }
    return found
  }

  /** Replaces each review's mentions with the new analysis; running it twice leaves the same rows. */
  async saveAnalyses(analyses: AnalysisToSave[], packId: string, packVersion: number): Promise<number> {
    if (analyses.length === 0) return 0
    return this.db.transaction(async (tx) => {
      const rollups = new RollupWriter()
      let saved = 0
      for (const part of inBatches(analyses)) {
        const rows = new Map((await this.readForChange(tx, sql`id in ${inList(part.map((a) => a.reviewId))}`)).map((r) => [r.id, r]))
        // A review edited since it was read is left for the job its edit enqueued.
        const current = part.filter((a) => rows.get(a.reviewId)?.contentHash === a.contentHash)
        if (current.length === 0) continue
        const ids = current.map((a) => a.reviewId)
        const before = await themesByReview(tx, ids)
        await tx.run(sql`update reviews set analyzed_hash = ${`${packId}@${packVersion}:`} || content_hash where id in ${inList(ids)}`)
        await tx.run(sql`delete from mentions where review_id in ${inList(ids)}`)
        await tx.run(sql`delete from review_themes where review_id in ${inList(ids)}`)
        const mentions = current.flatMap((a) => a.result.mentions.map((m) => [a.reviewId, m.theme, m.polarity, m.start, m.end, m.score, packId, packVersion]))
        await tx.insertRows('mentions', MENTION_COLUMNS, mentions, 'on conflict do nothing')
        const themes = current.flatMap((a) => Object.entries(a.result.themes).map(([theme, polarity]) => [a.reviewId, theme, polarity]))
        await tx.insertRows('review_themes', ['review_id', 'theme', 'polarity'], themes)
        for (const a of current) {
          const review = rows.get(a.reviewId)
          const after = Object.entries(a.result.themes)
            .map(([theme, polarity]) => ({ theme, polarity }))
            .sort((x, y) => (x.theme < y.theme ? -1 : 1))
          rollups.replace(contributionFrom(review, before.get(a.reviewId) ?? []), contributionFrom(review, after))
        }
        saved += current.length
      }
      await rollups.flush(tx)
      return saved
    })
  }

  async get(id: string): Promise<Review | null> {
    const row = await this.db.get<typeof reviews.$inferSelect>(sql`select ${REVIEW_COLUMNS} from reviews where id = ${id}`)
    return row ? toReview(row, (await this.themesOf([id])).get(id)) : null
  }

  async themesOf(ids: string[]): Promise<Map<string, Record<string, Polarity>>> {
    const byReview = new Map<string, Record<string, Polarity>>()
    for (const part of inBatches(ids)) {
      const rows = await this.db.all<{ reviewId: string; theme: string; polarity: Polarity }>(
        sql`select review_id as "reviewId", theme, polarity from review_themes where review_id in ${inList(part)} order by theme`,
      )
      for (const row of rows) {
        const themes = byReview.get(row.reviewId) ?? {}
        themes[row.theme] = row.polarity
        byReview.set(row.reviewId, themes)
      }
    }
    return byReview
  }

  async mentionsOf(reviewId: string): Promise<Array<{ theme: string; polarity: Polarity; start: number; end: number; score: number }>> {
    return this.db.all(sql`select theme, polarity, start, "end", score from mentions where review_id = ${reviewId} order by start, theme`)
  }

  async countUnanalyzed(locationId: string): Promise<number> {
    const row = await this.db.get<{ n: number }>(
      sql`select count(*) as n from reviews where location_id = ${locationId} and status = 'active' and (analyzed_hash is null or analyzed_hash not like '%:' || content_hash)`,
    )
    return row?.n ?? 0
  }
}

export interface EvidenceSpan {
  reviewId: string
  start: number
  end: number
}

/** The clearest evidence of a theme: for suggesting excerpts, highest score and rating first. */
export async function strongestEvidence(
  db: Db,
  params: { locationId: string; theme: string; polarity: Polarity; minRating: number; limit: number },
): Promise<EvidenceSpan[]> {
  return db.all<EvidenceSpan>(
    sql`select m.review_id as "reviewId", m.start, m."end" as "end" from mentions m join reviews r on r.id = m.review_id
        where r.location_id = ${params.locationId} and r.status = 'active' and m.theme = ${params.theme} and m.polarity = ${params.polarity}
          and r.rating >= ${params.minRating}
        order by m.score desc, r.rating desc, r.created_at desc, r.id limit ${params.limit}`,
  )
}
