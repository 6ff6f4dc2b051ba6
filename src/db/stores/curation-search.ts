import type { HideReason, ThemeVerdict } from '../../domain/access.ts'
import type { Polarity, SourceId } from '../../domain/review.ts'
import { sql, type SQL } from 'drizzle-orm'
import { inList, type Db } from '../database.ts'

export interface CurationSearchParams {
  /**
   * Words, all of them required, matched by stem ("rushed" finds "rush", "rushing"): the FTS5 index
   * (porter) on SQLite, the `search` tsvector ('english') on PostgreSQL.
   */
  words?: string
  theme?: string
  polarity?: Polarity
  stars?: number[]
  from?: string
  to?: string
  source?: SourceId
  includeHidden: boolean
  limit: number
  /** Tests set it to 0 to force the newest-first walk. */
  driveLimit?: number
}

export interface CurationHit {
  id: string
  locationId: string
  source: SourceId
  author: string | null
  rating: number
  text: string
  url: string | null
  createdAt: string
  themes: Array<{ theme: string; polarity: Polarity; verdict: ThemeVerdict | null }>
  evidence: Array<{ theme: string; polarity: Polarity; start: number; end: number }>
  hidden: { reason: HideReason; actor: string; at: string } | null
}

/** Quotes each word so FTS5 syntax in a search box (AND, NEAR, ", *) is plain text. */
export function ftsQuery(words: string): string | null {
  const tokens = words.match(/[\p{L}\p{N}]+/gu) ?? []
  return tokens.length === 0 ? null : tokens.map((t) => `"${t}"`).join(' ')
}

/**
 * The same words as a PostgreSQL tsquery text, ANDed like FTS5 does: only letters and digits reach
 * to_tsquery, so tsquery syntax in a search box (&, |, !, <->, :*, quotes) is never parsed as such.
 */
export function tsQuery(words: string): string | null {
  const tokens = words.match(/[\p{L}\p{N}]+/gu) ?? []
  return tokens.length === 0 ? null : tokens.join(' & ')
}

/** Above this many candidate reviews, walking newest-first beats fetching and sorting them all (≈ √(50·N) at 100k). */
const DRIVE_LIMIT = 2500

async function countMatches(db: Db, match: string, limit: number): Promise<number> {
  return (await db.get<{ n: number }>(sql`select count(*) as "n" from (select rowid from reviews_fts where reviews_fts match ${match} limit ${limit + 1})`))!.n
}

function themeConditions(params: CurationSearchParams, alias: string): SQL[] {
  const conditions: SQL[] = []
  if (params.theme !== undefined) conditions.push(sql`${sql.raw(alias)}theme = ${params.theme}`)
  if (params.polarity !== undefined) conditions.push(sql`${sql.raw(alias)}polarity = ${params.polarity}`)
  return conditions
}

async function countThemed(db: Db, params: CurationSearchParams, limit: number): Promise<number> {
  return (await db.get<{ n: number }>(
    sql`select count(*) as "n" from (select 1 from review_themes where ${sql.join(themeConditions(params, ''), sql` and `)} limit ${limit + 1}) as themed`,
  ))!.n
}

/**
 * The curation workspace's search: full text for words (FTS5 on SQLite, tsvector on PostgreSQL), the
 * review_themes index for theme and polarity, newest first. One query for the page of reviews, then
 * one each for chips, evidence and hides.
 */
export async function searchForCuration(db: Db, params: CurationSearchParams): Promise<CurationHit[]> {
  const postgres = db.dialect === 'postgres'
  const match = params.words === undefined ? undefined : postgres ? tsQuery(params.words) : ftsQuery(params.words)
  if (match === null) return []
  const themed = params.theme !== undefined || params.polarity !== undefined
  const where: SQL[] = [sql`r.status = 'active'`]
  // SQLite: two plans, chosen by how many reviews the words (or the theme) match, counted first on their
  // own indexes: a few, and SQLite starts from those and sorts them; many, and it walks the reviews
  // newest first and stops at the page size. Either way a page costs a few thousand row visits at most.
  // PostgreSQL's planner makes that choice itself from its statistics (GIN index vs reviews_created).
  const limit = params.driveLimit ?? DRIVE_LIMIT
  const drive =
    !postgres &&
    ((match !== undefined && (await countMatches(db, match, limit)) <= limit) || (match === undefined && themed && (await countThemed(db, params, limit)) <= limit))
  if (match !== undefined) {
    where.push(postgres ? sql`r.search @@ to_tsquery('english', ${match})` : sql`r.rowid in (select rowid from reviews_fts where reviews_fts match ${match})`)
  }
  if (themed) {
    const conditions = themeConditions(params, 't.')
    where.push(
      match === undefined && drive
        ? sql`r.id in (select t.review_id from review_themes t where ${sql.join(conditions, sql` and `)})`
        : sql`exists (select 1 from review_themes t where ${sql.join([sql`t.review_id = r.id`, ...conditions], sql` and `)})`,
    )
  }
  if (params.stars && params.stars.length > 0) where.push(sql`r.rating in ${inList(params.stars)}`)
  if (params.from !== undefined) where.push(sql`r.created_at >= ${params.from}`)
  if (params.to !== undefined) where.push(sql`r.created_at < ${params.to}`)
  if (params.source !== undefined) where.push(sql`r.source = ${params.source}`)
  if (!params.includeHidden) where.push(sql`not exists (select 1 from review_hides h where h.review_id = r.id)`)
  const rows = await db.all<Omit<CurationHit, 'themes' | 'evidence' | 'hidden'>>(
    sql`select r.id, r.location_id as "locationId", r.source, r.author, r.rating, r.text, r.url, r.created_at as "createdAt"
       from reviews r ${drive || postgres ? sql`` : sql`indexed by reviews_created`} where ${sql.join(where, sql` and `)} order by r.created_at desc, r.id desc limit ${params.limit}`,
  )
  if (rows.length === 0) return []

  const ids = inList(rows.map((r) => r.id))
  const themeRows = await db.all<{ reviewId: string; theme: string; polarity: Polarity }>(
    sql`select review_id as "reviewId", theme, polarity from review_themes where review_id in ${ids} order by theme`,
  )
  const evidenceRows = await db.all<{ reviewId: string; theme: string; polarity: Polarity; start: number; end: number }>(
    sql`select review_id as "reviewId", theme, polarity, "start", "end" from mentions where review_id in ${ids} order by "start"`,
  )
  const verdictRows = await db.all<{ reviewId: string; theme: string; polarity: Polarity; verdict: ThemeVerdict }>(
    sql`select review_id as "reviewId", theme, polarity, verdict from theme_corrections where review_id in ${ids} order by id`,
  )
  const hideRows = await db.all<{ reviewId: string; reason: HideReason; actor: string; at: string }>(
    sql`select review_id as "reviewId", reason, actor, at from review_hides where review_id in ${ids}`,
  )

  const hits = new Map(rows.map((r) => [r.id, { ...r, themes: [], evidence: [], hidden: null } as CurationHit]))
  for (const t of themeRows) hits.get(t.reviewId)!.themes.push({ theme: t.theme, polarity: t.polarity, verdict: null })
  // The latest verdict per theme wins; an "added" theme the engine missed becomes a chip of its own.
  for (const v of verdictRows) {
    const hit = hits.get(v.reviewId)!
    const chip = hit.themes.find((c) => c.theme === v.theme)
    if (chip) Object.assign(chip, { verdict: v.verdict, polarity: v.verdict === 'added' ? v.polarity : chip.polarity })
    else hit.themes.push({ theme: v.theme, polarity: v.polarity, verdict: v.verdict })
  }
  for (const e of evidenceRows) hits.get(e.reviewId)!.evidence.push({ theme: e.theme, polarity: e.polarity, start: e.start, end: e.end })
  for (const h of hideRows) hits.get(h.reviewId)!.hidden = { reason: h.reason, actor: h.actor, at: h.at }
  return [...hits.values()]
}
