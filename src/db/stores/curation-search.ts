import type { HideReason, ThemeVerdict } from '../../domain/access.ts'
import type { Polarity, SourceId } from '../../domain/review.ts'
import type { Db } from '../database.ts'

export interface CurationSearchParams {
  /** Words, matched by the FTS5 index (porter stems: "rushed" finds "rush", "rushing"). */
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

/** Above this many candidate reviews, walking newest-first beats fetching and sorting them all (≈ √(50·N) at 100k). */
const DRIVE_LIMIT = 2500

function countMatches(db: Db, match: string, limit: number): number {
  return (db.$client.prepare('select count(*) as n from (select rowid from reviews_fts where reviews_fts match ? limit ?)').get(match, limit + 1) as { n: number }).n
}

function countThemed(db: Db, params: CurationSearchParams, limit: number): number {
  const conditions: string[] = []
  const args: Array<string | number> = []
  if (params.theme !== undefined) conditions.push('theme = ?'), args.push(params.theme)
  if (params.polarity !== undefined) conditions.push('polarity = ?'), args.push(params.polarity)
  return (db.$client.prepare(`select count(*) as n from (select 1 from review_themes where ${conditions.join(' and ')} limit ?)`).get(...args, limit + 1) as { n: number }).n
}

/**
 * The curation workspace's search: FTS5 for words, the review_themes index for theme and polarity,
 * newest first. One query for the page of reviews, then one each for chips, evidence and hides.
 */
export function searchForCuration(db: Db, params: CurationSearchParams): CurationHit[] {
  const match = params.words === undefined ? undefined : ftsQuery(params.words)
  if (match === null) return []
  const themed = params.theme !== undefined || params.polarity !== undefined
  const where: string[] = ["r.status = 'active'"]
  const args: Array<string | number> = []
  // Two plans, chosen by how many reviews the words (or the theme) match, counted first on their own
  // indexes: a few, and SQLite starts from those and sorts them; many, and it walks the reviews
  // newest first and stops at the page size. Either way a page costs a few thousand row visits at most.
  const limit = params.driveLimit ?? DRIVE_LIMIT
  const drive = (match !== undefined && countMatches(db, match, limit) <= limit) || (match === undefined && themed && countThemed(db, params, limit) <= limit)
  if (match !== undefined) where.push('r.rowid in (select rowid from reviews_fts where reviews_fts match ?)'), args.push(match)
  if (themed) {
    const conditions = ['t.review_id = r.id']
    if (params.theme !== undefined) conditions.push('t.theme = ?'), args.push(params.theme)
    if (params.polarity !== undefined) conditions.push('t.polarity = ?'), args.push(params.polarity)
    where.push(match === undefined && drive ? `r.id in (select t.review_id from review_themes t where ${conditions.slice(1).join(' and ')})` : `exists (select 1 from review_themes t where ${conditions.join(' and ')})`)
  }
  if (params.stars && params.stars.length > 0) where.push(`r.rating in (${params.stars.map(() => '?').join(',')})`), args.push(...params.stars)
  if (params.from !== undefined) where.push('r.created_at >= ?'), args.push(params.from)
  if (params.to !== undefined) where.push('r.created_at < ?'), args.push(params.to)
  if (params.source !== undefined) where.push('r.source = ?'), args.push(params.source)
  if (!params.includeHidden) where.push('not exists (select 1 from review_hides h where h.review_id = r.id)')
  const rows = db.$client
    .prepare(
      `select r.id, r.location_id as locationId, r.source, r.author, r.rating, r.text, r.url, r.created_at as createdAt
       from reviews r ${drive ? '' : 'indexed by reviews_created'} where ${where.join(' and ')} order by r.created_at desc, r.id desc limit ?`,
    )
    .all(...args, params.limit) as Array<Omit<CurationHit, 'themes' | 'evidence' | 'hidden'>>
  if (rows.length === 0) return []

  const ids = rows.map((r) => r.id)
  const marks = ids.map(() => '?').join(',')
  const themeRows = db.$client.prepare(`select review_id as reviewId, theme, polarity from review_themes where review_id in (${marks}) order by theme`).all(...ids) as Array<{ reviewId: string; theme: string; polarity: Polarity }>
  const evidenceRows = db.$client.prepare(`select review_id as reviewId, theme, polarity, start, "end" from mentions where review_id in (${marks}) order by start`).all(...ids) as Array<{ reviewId: string; theme: string; polarity: Polarity; start: number; end: number }>
  const verdictRows = db.$client
    .prepare(`select review_id as reviewId, theme, polarity, verdict from theme_corrections where review_id in (${marks}) order by id`)
    .all(...ids) as Array<{ reviewId: string; theme: string; polarity: Polarity; verdict: ThemeVerdict }>
  const hideRows = db.$client.prepare(`select review_id as reviewId, reason, actor, at from review_hides where review_id in (${marks})`).all(...ids) as Array<{ reviewId: string; reason: HideReason; actor: string; at: string }>

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
