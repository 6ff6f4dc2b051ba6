import { sql } from 'drizzle-orm'
import type { Polarity } from '../../domain/review.ts'
import type { LearnedModel } from '../../domain/themes/learner.ts'
import type { ThemePack } from '../../domain/themes/pack.ts'
import type { Db, SqlRunner } from '../database.ts'

// Theme packs as versioned data, curators' corrections, trained models and backfill runs.

export interface PackSummary {
  id: string
  label: string
  version: number
  active: boolean
  savedAt: string
}

async function latestVersion(db: SqlRunner, packId: string): Promise<number | null> {
  const row = await db.get<{ version: number }>(sql`select version from theme_pack_versions where pack_id = ${packId} order by version desc limit 1`)
  return row?.version ?? null
}

/** Saves a pack as its next version (the version in `pack` is ignored) and returns it. */
export async function savePackVersion(db: Db, pack: ThemePack, savedBy: string, now: Date): Promise<ThemePack> {
  return db.transaction(async (tx) => {
    // SQLite: BEGIN IMMEDIATE, so no one else writes between the read and the insert. PostgreSQL:
    // another process may take the same number first; the insert then does nothing (after waiting
    // for that process to commit) and we read again and take the next one.
    for (;;) {
      const saved: ThemePack = { ...pack, version: ((await latestVersion(tx, pack.id)) ?? 0) + 1 }
      const inserted = await tx.run(sql`insert into theme_pack_versions (pack_id, version, body, saved_at, saved_by)
        values (${pack.id}, ${saved.version}, ${JSON.stringify(saved)}, ${now.toISOString()}, ${savedBy}) on conflict (pack_id, version) do nothing`)
      if (inserted === 1) return saved
    }
  })
}

/**
 * Saves a pack as version 1 unless the pack exists. Safe when an API and a worker start on a new
 * database at the same moment: the second insert does nothing. True when this call saved it.
 */
export async function saveFirstVersion(db: Db, pack: ThemePack, savedBy: string, now: Date): Promise<boolean> {
  const changes = await db.run(sql`insert into theme_pack_versions (pack_id, version, body, saved_at, saved_by)
    values (${pack.id}, ${1}, ${JSON.stringify({ ...pack, version: 1 })}, ${now.toISOString()}, ${savedBy}) on conflict do nothing`)
  return changes === 1
}

export async function currentPack(db: Db, packId: string): Promise<ThemePack | null> {
  const row = await db.get<{ body: string }>(sql`select body from theme_pack_versions where pack_id = ${packId} order by version desc limit 1`)
  return row ? (JSON.parse(row.body) as ThemePack) : null
}

/** The current version number of a pack: one indexed row, cheap enough to ask once per job. */
export async function currentPackVersion(db: Db, packId: string): Promise<number | null> {
  return latestVersion(db, packId)
}

export async function listPacks(db: Db): Promise<PackSummary[]> {
  const active = await activePackId(db)
  const rows = await db.all<{ id: string; version: number; body: string; savedAt: string }>(
    sql`select pack_id as "id", version, body, saved_at as "savedAt" from theme_pack_versions v
     where version = (select max(version) from theme_pack_versions w where w.pack_id = v.pack_id) order by pack_id`,
  )
  return rows.map((r) => ({ id: r.id, label: (JSON.parse(r.body) as ThemePack).label, version: r.version, active: r.id === active, savedAt: r.savedAt }))
}

export async function activePackId(db: Db): Promise<string | null> {
  return (await db.get<{ id: string }>(sql`select active_pack_id as "id" from theme_settings where id = ${1}`))?.id ?? null
}

export async function setActivePackId(db: Db, packId: string): Promise<void> {
  await db.run(sql`insert into theme_settings (id, active_pack_id) values (${1}, ${packId}) on conflict (id) do update set active_pack_id = excluded.active_pack_id`)
}

/** Sets the active pack only on a database that has none yet (first start). */
export async function setActivePackIfUnset(db: Db, packId: string): Promise<void> {
  await db.run(sql`insert into theme_settings (id, active_pack_id) values (${1}, ${packId}) on conflict do nothing`)
}

// ---- corrections ----

export type Verdict = 'confirm' | 'reject' | 'add'

export interface Correction {
  reviewId: string
  packId: string
  theme: string
  verdict: Verdict
  polarity: Polarity | null
  start: number
  end: number
  evidence: string
  actor: string
  at: Date
}

/** Records a correction; a second word on the same span and theme replaces the first. */
export async function saveCorrection(db: Db, c: Correction): Promise<void> {
  await db.run(sql`insert into mention_corrections (review_id, pack_id, theme, verdict, polarity, "start", "end", evidence, actor, at)
    values (${c.reviewId}, ${c.packId}, ${c.theme}, ${c.verdict}, ${c.polarity}, ${c.start}, ${c.end}, ${c.evidence}, ${c.actor}, ${c.at.toISOString()})
    on conflict (review_id, theme, "start", "end") do update set verdict = excluded.verdict, polarity = excluded.polarity, evidence = excluded.evidence,
    actor = excluded.actor, at = excluded.at, pack_id = excluded.pack_id`)
}

export async function correctionsFor(db: Db, packId: string): Promise<Correction[]> {
  const rows = await db.all<Omit<Correction, 'at'> & { id: number; at: string }>(
    sql`select id, review_id as "reviewId", pack_id as "packId", theme, verdict, polarity, "start", "end", evidence, actor, at
        from mention_corrections where pack_id = ${packId} order by id`,
  )
  return rows.map((r) => ({ ...r, at: new Date(r.at) }))
}

// ---- models ----

export interface StoredModel {
  packId: string
  packVersion: number
  model: LearnedModel
  examples: number
  corrections: number
  trainedAt: string
}

export async function saveModel(db: Db, m: Omit<StoredModel, 'trainedAt'>, now: Date): Promise<void> {
  await db.run(sql`insert into theme_models (pack_id, pack_version, model, examples, corrections, trained_at)
    values (${m.packId}, ${m.packVersion}, ${JSON.stringify(m.model)}, ${m.examples}, ${m.corrections}, ${now.toISOString()})
    on conflict (pack_id) do update set pack_version = excluded.pack_version, model = excluded.model, examples = excluded.examples,
    corrections = excluded.corrections, trained_at = excluded.trained_at`)
}

export async function loadModel(db: Db, packId: string): Promise<StoredModel | null> {
  const row = await db.get<Omit<StoredModel, 'model'> & { model: string }>(
    sql`select pack_id as "packId", pack_version as "packVersion", model, examples, corrections, trained_at as "trainedAt" from theme_models where pack_id = ${packId}`,
  )
  return row ? { ...row, model: JSON.parse(row.model) as LearnedModel } : null
}

/** Stamp that changes whenever the model is retrained: lets a worker know to reload. */
export async function modelStamp(db: Db, packId: string): Promise<string | null> {
  return (await db.get<{ at: string }>(sql`select trained_at as "at" from theme_models where pack_id = ${packId}`))?.at ?? null
}

// ---- backfills ----

export interface Backfill {
  id: string
  packId: string
  packVersion: number
  status: 'queued' | 'running' | 'finished' | 'failed'
  total: number
  done: number
  cursor: string | null
  startedAt: string
  finishedAt: string | null
}

const BACKFILL_COLUMNS = sql`id, pack_id as "packId", pack_version as "packVersion", status, total, done, "cursor", started_at as "startedAt", finished_at as "finishedAt"`

/** Creates the backfill for a pack version once; asking again returns the existing run. */
export async function createBackfill(db: Db, packId: string, packVersion: number, now: Date): Promise<Backfill> {
  const id = `${packId}@${packVersion}`
  const total = (await db.get<{ n: number }>(sql`select count(*) as "n" from reviews where status = 'active'`))!.n
  await db.run(sql`insert into theme_backfills (id, pack_id, pack_version, status, total, done, "cursor", started_at)
    values (${id}, ${packId}, ${packVersion}, ${'queued'}, ${total}, ${0}, ${null}, ${now.toISOString()}) on conflict do nothing`)
  return (await getBackfill(db, id))!
}

export async function getBackfill(db: Db, id: string): Promise<Backfill | null> {
  return (await db.get<Backfill>(sql`select ${BACKFILL_COLUMNS} from theme_backfills where id = ${id}`)) ?? null
}

export async function latestBackfill(db: Db, packId: string): Promise<Backfill | null> {
  return (await db.get<Backfill>(sql`select ${BACKFILL_COLUMNS} from theme_backfills where pack_id = ${packId} order by pack_version desc limit 1`)) ?? null
}

const BACKFILL_SET = { status: sql`status`, done: sql`done`, cursor: sql`"cursor"`, finishedAt: sql`finished_at`, total: sql`total` } as const

export async function updateBackfill(db: Db, id: string, set: Partial<Pick<Backfill, 'status' | 'done' | 'cursor' | 'finishedAt' | 'total'>>): Promise<void> {
  const assignments = (Object.keys(BACKFILL_SET) as Array<keyof typeof BACKFILL_SET>)
    .filter((key) => set[key] !== undefined)
    .map((key) => sql`${BACKFILL_SET[key]} = ${set[key]}`)
  if (assignments.length === 0) throw new Error('No values to set')
  await db.run(sql`update theme_backfills set ${sql.join(assignments, sql`, `)} where id = ${id}`)
}

/** The next active review ids after `cursor`, in id order. */
export async function reviewIdsAfter(db: Db, cursor: string | null, limit: number): Promise<string[]> {
  const rows = await db.all<{ id: string }>(sql`select id from reviews where status = 'active' and id > ${cursor ?? ''} order by id limit ${limit}`)
  return rows.map((r) => r.id)
}

/** Mentions of a review as stored, with the pack version that made them. */
export async function mentionVersions(db: Db, reviewId: string): Promise<Array<{ theme: string; packId: string; packVersion: number }>> {
  return db.all<{ theme: string; packId: string; packVersion: number }>(
    sql`select theme, pack_id as "packId", pack_version as "packVersion" from mentions where review_id = ${reviewId} order by "start", theme`,
  )
}

export async function reviewText(db: Db, reviewId: string): Promise<{ text: string; rating: number } | null> {
  return (await db.get<{ text: string; rating: number }>(sql`select text, rating from reviews where id = ${reviewId}`)) ?? null
}
