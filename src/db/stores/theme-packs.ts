import { desc, eq } from 'drizzle-orm'
import type { Polarity } from '../../domain/review.ts'
import type { LearnedModel } from '../../domain/themes/learner.ts'
import type { ThemePack } from '../../domain/themes/pack.ts'
import type { Db } from '../database.ts'
import { mentionCorrections, themeBackfills, themeModels, themePackVersions, themeSettings } from '../schema.ts'

// Theme packs as versioned data, curators' corrections, trained models and backfill runs.

export interface PackSummary {
  id: string
  label: string
  version: number
  active: boolean
  savedAt: string
}

/** Saves a pack as its next version (the version in `pack` is ignored) and returns it. */
export function savePackVersion(db: Db, pack: ThemePack, savedBy: string, now: Date): ThemePack {
  return db.transaction((tx) => {
    const last = tx.select({ version: themePackVersions.version }).from(themePackVersions)
      .where(eq(themePackVersions.packId, pack.id)).orderBy(desc(themePackVersions.version)).limit(1).get()
    const saved: ThemePack = { ...pack, version: (last?.version ?? 0) + 1 }
    tx.insert(themePackVersions).values({
      packId: pack.id, version: saved.version, body: JSON.stringify(saved), savedAt: now.toISOString(), savedBy,
    }).run()
    return saved
  }, { behavior: 'immediate' })
}

/**
 * Saves a pack as version 1 unless the pack exists. Safe when an API and a worker start on a new
 * database at the same moment: the second insert does nothing. True when this call saved it.
 */
export function saveFirstVersion(db: Db, pack: ThemePack, savedBy: string, now: Date): boolean {
  const result = db.insert(themePackVersions).values({
    packId: pack.id, version: 1, body: JSON.stringify({ ...pack, version: 1 }), savedAt: now.toISOString(), savedBy,
  }).onConflictDoNothing().run()
  return result.changes === 1
}

export function currentPack(db: Db, packId: string): ThemePack | null {
  const row = db.select({ body: themePackVersions.body }).from(themePackVersions)
    .where(eq(themePackVersions.packId, packId)).orderBy(desc(themePackVersions.version)).limit(1).get()
  return row ? (JSON.parse(row.body) as ThemePack) : null
}

/** The current version number of a pack: one indexed row, cheap enough to ask once per job. */
export function currentPackVersion(db: Db, packId: string): number | null {
  const row = db.select({ version: themePackVersions.version }).from(themePackVersions)
    .where(eq(themePackVersions.packId, packId)).orderBy(desc(themePackVersions.version)).limit(1).get()
  return row?.version ?? null
}

export function listPacks(db: Db): PackSummary[] {
  const active = activePackId(db)
  const rows = db.$client.prepare(
    `select pack_id as id, version, body, saved_at as savedAt from theme_pack_versions v
     where version = (select max(version) from theme_pack_versions w where w.pack_id = v.pack_id) order by pack_id`,
  ).all() as Array<{ id: string; version: number; body: string; savedAt: string }>
  return rows.map((r) => ({ id: r.id, label: (JSON.parse(r.body) as ThemePack).label, version: r.version, active: r.id === active, savedAt: r.savedAt }))
}

export function activePackId(db: Db): string | null {
  return db.select({ id: themeSettings.activePackId }).from(themeSettings).where(eq(themeSettings.id, 1)).get()?.id ?? null
}

export function setActivePackId(db: Db, packId: string): void {
  db.insert(themeSettings).values({ id: 1, activePackId: packId })
    .onConflictDoUpdate({ target: themeSettings.id, set: { activePackId: packId } }).run()
}

/** Sets the active pack only on a database that has none yet (first start). */
export function setActivePackIfUnset(db: Db, packId: string): void {
  db.insert(themeSettings).values({ id: 1, activePackId: packId }).onConflictDoNothing().run()
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
export function saveCorrection(db: Db, c: Correction): void {
  const values = { ...c, at: c.at.toISOString() }
  db.insert(mentionCorrections).values(values)
    .onConflictDoUpdate({
      target: [mentionCorrections.reviewId, mentionCorrections.theme, mentionCorrections.start, mentionCorrections.end],
      set: { verdict: values.verdict, polarity: values.polarity, evidence: values.evidence, actor: values.actor, at: values.at, packId: values.packId },
    }).run()
}

export function correctionsFor(db: Db, packId: string): Correction[] {
  return db.select().from(mentionCorrections).where(eq(mentionCorrections.packId, packId)).orderBy(mentionCorrections.id).all()
    .map((r) => ({ ...r, at: new Date(r.at) }))
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

export function saveModel(db: Db, m: Omit<StoredModel, 'trainedAt'>, now: Date): void {
  const values = { ...m, model: JSON.stringify(m.model), trainedAt: now.toISOString() }
  db.insert(themeModels).values(values).onConflictDoUpdate({ target: themeModels.packId, set: values }).run()
}

export function loadModel(db: Db, packId: string): StoredModel | null {
  const row = db.select().from(themeModels).where(eq(themeModels.packId, packId)).get()
  return row ? { ...row, model: JSON.parse(row.model) as LearnedModel } : null
}

/** Stamp that changes whenever the model is retrained: lets a worker know to reload. */
export function modelStamp(db: Db, packId: string): string | null {
  return db.select({ at: themeModels.trainedAt }).from(themeModels).where(eq(themeModels.packId, packId)).get()?.at ?? null
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

/** Creates the backfill for a pack version once; asking again returns the existing run. */
export function createBackfill(db: Db, packId: string, packVersion: number, now: Date): Backfill {
  const id = `${packId}@${packVersion}`
  const total = (db.$client.prepare(`select count(*) as n from reviews where status = 'active'`).get() as { n: number }).n
  db.insert(themeBackfills).values({ id, packId, packVersion, status: 'queued', total, done: 0, cursor: null, startedAt: now.toISOString() })
    .onConflictDoNothing().run()
  return getBackfill(db, id)!
}

export function getBackfill(db: Db, id: string): Backfill | null {
  return db.select().from(themeBackfills).where(eq(themeBackfills.id, id)).get() ?? null
}

export function latestBackfill(db: Db, packId: string): Backfill | null {
  return db.select().from(themeBackfills).where(eq(themeBackfills.packId, packId))
    .orderBy(desc(themeBackfills.packVersion)).limit(1).get() ?? null
}

export function updateBackfill(db: Db, id: string, set: Partial<Pick<Backfill, 'status' | 'done' | 'cursor' | 'finishedAt' | 'total'>>): void {
  db.update(themeBackfills).set(set).where(eq(themeBackfills.id, id)).run()
}

/** The next active review ids after `cursor`, in id order. */
export function reviewIdsAfter(db: Db, cursor: string | null, limit: number): string[] {
  const rows = db.$client.prepare(
    `select id from reviews where status = 'active' and id > ? order by id limit ?`,
  ).all(cursor ?? '', limit) as Array<{ id: string }>
  return rows.map((r) => r.id)
}

/** Mentions of a review as stored, with the pack version that made them. */
export function mentionVersions(db: Db, reviewId: string): Array<{ theme: string; packId: string; packVersion: number }> {
  return db.$client.prepare('select theme, pack_id as packId, pack_version as packVersion from mentions where review_id = ? order by start, theme')
    .all(reviewId) as Array<{ theme: string; packId: string; packVersion: number }>
}

export function reviewText(db: Db, reviewId: string): { text: string; rating: number } | null {
  return (db.$client.prepare(`select text, rating from reviews where id = ?`).get(reviewId) as { text: string; rating: number } | undefined) ?? null
}

