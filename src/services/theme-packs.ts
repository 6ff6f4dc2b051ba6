import { z } from 'zod'
import { POLARITIES, type TagResult } from '../domain/review.ts'
import { compilePack, CUE_LIMITS, packLimitProblem } from '../domain/themes/cues.ts'
import { chiropracticPack } from '../domain/themes/default-pack.ts'
import { compileModel, trainThemeModels, type LearnedModel, type TrainingExample } from '../domain/themes/learner.ts'
import type { ThemePack } from '../domain/themes/pack.ts'
import { restaurantPack } from '../domain/themes/restaurant-pack.ts'
import { createCueFeatures, createTagger } from '../domain/themes/tagger.ts'
import type { Db } from '../db/database.ts'
import { recordAudit } from '../db/stores/audit.ts'
import { ReviewStore } from '../db/stores/reviews.ts'
import {
  activePackId, correctionsFor, currentPack, listPacks, loadModel, saveCorrection, saveFirstVersion, saveModel,
  savePackVersion, setActivePackId, setActivePackIfUnset, type Correction, type PackSummary, type Verdict,
} from '../db/stores/theme-packs.ts'
import { NotFoundError, RuleViolationError } from './errors.ts'

// Theme packs as data: validated, versioned, exported and imported as JSON, with the classifier
// that learns from their examples and from curators' corrections.

const cueList = z.array(z.string().trim().min(1).max(5000)).max(1000)

const themeSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9/-]{0,63}$/, 'must be lower-case letters, digits, "-" and "/"'),
  label: z.string().trim().min(1).max(120),
  description: z.string().max(1000).default(''),
  cues: cueList,
  antiCues: cueList.default([]),
  positiveCues: cueList.optional(),
  negativeCues: cueList.optional(),
  weakCues: cueList.optional(),
  supportCues: cueList.optional(),
  examples: z.array(z.string().trim().min(1).max(2000)).max(1000).optional(),
})

export const themePackSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and dashes'),
  /** ignored on save: the store gives the next version */
  version: z.number().int().min(0).optional(),
  label: z.string().trim().min(1).max(120),
  neutralMentions: z.boolean().optional(),
  fallbackTheme: z.string().optional(),
  themes: z.array(themeSchema).min(1).max(CUE_LIMITS.themesPerPack),
})

export type ThemePackInput = z.input<typeof themePackSchema>

export const SHIPPED_PACKS: readonly ThemePack[] = [chiropracticPack, restaurantPack]

/** Puts the shipped packs in an empty database and makes the chiropractic pack active. */
export async function ensureShippedPacks(db: Db, now: Date): Promise<void> {
  for (const pack of SHIPPED_PACKS) {
    if ((await currentPack(db, pack.id)) === null && (await saveFirstVersion(db, pack, 'plaudit', now))) {
      await trainAndStore(db, { ...pack, version: 1 }, now)
    }
  }
  await setActivePackIfUnset(db, chiropracticPack.id)
}

/** Parses a pack from JSON input; a cue that cannot compile or a duplicate theme is a 422. */
export function parsePack(input: unknown): ThemePack {
  const parsed = themePackSchema.safeParse(input)
  if (!parsed.success) {
    throw new RuleViolationError(`invalid theme pack: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(pack)'}: ${i.message}`).join('; ')}`)
  }
  const pack: ThemePack = { ...parsed.data, version: parsed.data.version ?? 0 }
  const ids = new Set<string>()
  for (const t of pack.themes) {
    if (ids.has(t.id)) throw new RuleViolationError(`invalid theme pack: theme "${t.id}" appears twice`)
    ids.add(t.id)
  }
  if (pack.fallbackTheme !== undefined && !ids.has(pack.fallbackTheme)) {
    throw new RuleViolationError(`invalid theme pack: fallbackTheme "${pack.fallbackTheme}" is not one of its themes`)
  }
  // Checked before compiling: a cue past the limits could stall the process that tags with it.
  const tooCostly = packLimitProblem(pack)
  if (tooCostly !== null) throw new RuleViolationError(`invalid theme pack: ${tooCostly}`)
  try {
    compilePack(pack)
  } catch (error) {
    throw new RuleViolationError(`invalid theme pack: ${(error as Error).message}`)
  }
  return pack
}

export async function getPack(db: Db, packId: string): Promise<ThemePack> {
  const pack = await currentPack(db, packId)
  if (pack === null) throw new NotFoundError(`theme pack ${packId} does not exist`)
  return pack
}

export async function packSummaries(db: Db): Promise<PackSummary[]> {
  return listPacks(db)
}

export interface SavedPack {
  pack: ThemePack
  /** set when the pack is the active one, so its reviews must be re-tagged */
  retagging: boolean
}

/** Saves a pack as a new version (retraining its classifier); the caller starts the backfill. */
export async function savePack(db: Db, input: unknown, actor: string, now: Date, expectedId?: string): Promise<SavedPack> {
  const pack = parsePack(input)
  if (expectedId !== undefined && pack.id !== expectedId) {
    throw new RuleViolationError(`pack id "${pack.id}" in the body does not match "${expectedId}" in the path`)
  }
  const before = await currentPack(db, pack.id)
  const saved = await savePackVersion(db, pack, actor, now)
  await trainAndStore(db, saved, now)
  await recordAudit(db, { at: now, actor, action: 'theme-pack.save', subject: pack.id, before: before ? String(before.version) : null, after: String(saved.version) })
  if ((await activePackId(db)) === null) await setActivePackId(db, saved.id)
  return { pack: saved, retagging: (await activePackId(db)) === saved.id }
}

export async function activatePack(db: Db, packId: string, actor: string, now: Date): Promise<ThemePack> {
  const pack = await getPack(db, packId)
  const before = await activePackId(db)
  await setActivePackId(db, packId)
  await recordAudit(db, { at: now, actor, action: 'theme-pack.activate', subject: packId, before, after: packId })
  return pack
}

// ---- learning ----

/** The pack's own examples: each says its theme, and (being about one theme) no other. */
export function packExamples(pack: ThemePack): TrainingExample[] {
  return pack.themes.flatMap((t) => (t.examples ?? []).map((text) => ({ text, themes: [t.id], complete: true })))
}

export function correctionExamples(corrections: Correction[]): TrainingExample[] {
  return corrections.map((c) => c.verdict === 'reject'
    ? { text: c.evidence, themes: [], notThemes: [c.theme], complete: false }
    : { text: c.evidence, themes: [c.theme], complete: false })
}

export function trainModel(pack: ThemePack, examples: TrainingExample[]): LearnedModel {
  return trainThemeModels(pack.themes.map((t) => t.id), examples, { cueFeatures: createCueFeatures(pack) })
}

export interface RetrainSummary {
  packId: string
  packVersion: number
  examples: number
  corrections: number
  /** themes with enough examples for the classifier to have a say */
  learnedThemes: string[]
}

async function trainAndStore(db: Db, pack: ThemePack, now: Date): Promise<RetrainSummary> {
  const corrections = await correctionsFor(db, pack.id)
  const examples = packExamples(pack)
  const model = trainModel(pack, [...examples, ...correctionExamples(corrections)])
  await saveModel(db, { packId: pack.id, packVersion: pack.version, model, examples: examples.length, corrections: corrections.length }, now)
  return { packId: pack.id, packVersion: pack.version, examples: examples.length, corrections: corrections.length, learnedThemes: Object.keys(model.themes) }
}

/** Rebuilds a pack's classifier from its examples and every correction made so far. */
export async function retrainPack(db: Db, packId: string, now: Date): Promise<RetrainSummary> {
  return trainAndStore(db, await getPack(db, packId), now)
}

/** The tagger for a pack: cues plus the stored classifier when it was trained for this version. */
export async function taggerFor(db: Db, pack: ThemePack): Promise<(text: string, rating?: number) => TagResult> {
  const stored = await loadModel(db, pack.id)
  const model = stored !== null && stored.packVersion === pack.version ? compileModel(stored.model) : undefined
  return createTagger(pack, model)
}

// ---- corrections ----

export const correctionSchema = z.strictObject({
  reviewId: z.string().min(1).max(64),
  theme: z.string().min(1).max(64),
  verdict: z.enum(['confirm', 'reject', 'add']),
  /** the mention's span (confirm/reject), or the span that shows a missed theme (add; default: the whole review) */
  start: z.number().int().min(0).optional(),
  end: z.number().int().min(1).optional(),
  polarity: z.enum(POLARITIES).optional(),
})
export type CorrectionInput = z.infer<typeof correctionSchema>

/**
 * Records a curator's word on a mention. Confirm and reject name a stored mention of the active
 * pack; add names a theme the tagger missed. The evidence text is kept with the correction, so
 * the classifier learns from what the curator read even after the review is edited.
 */
export async function correctMention(db: Db, input: CorrectionInput, actor: string, now: Date): Promise<Correction> {
  const packId = await activePackId(db)
  if (packId === null) throw new RuleViolationError('no theme pack is active')
  const pack = await getPack(db, packId)
  if (!pack.themes.some((t) => t.id === input.theme)) throw new RuleViolationError(`theme "${input.theme}" is not in pack ${packId}`)
  const store = new ReviewStore(db)
  const review = await store.get(input.reviewId)
  if (review === null) throw new NotFoundError(`review ${input.reviewId} does not exist`)
  let start = input.start ?? 0
  let end = input.end ?? review.text.length
  let polarity = input.polarity ?? null
  if (input.verdict !== 'add') {
    const mention = (await store.mentionsOf(input.reviewId)).find((m) => m.theme === input.theme && (input.start === undefined || m.start === input.start))
    if (mention === undefined) throw new NotFoundError(`review ${input.reviewId} has no "${input.theme}" mention${input.start === undefined ? '' : ` at ${input.start}`}`)
    start = mention.start
    end = mention.end
    polarity ??= input.verdict === 'confirm' ? mention.polarity : null
  }
  if (end > review.text.length || start >= end) {
    throw new RuleViolationError(`span [${start}, ${end}) is not inside review ${input.reviewId} (length ${review.text.length})`)
  }
  const correction: Correction = {
    reviewId: input.reviewId, packId, theme: input.theme, verdict: input.verdict as Verdict, polarity,
    start, end, evidence: review.text.slice(start, end), actor, at: now,
  }
  await saveCorrection(db, correction)
  await recordAudit(db, { at: now, actor, action: `mention.${input.verdict}`, subject: `${input.reviewId}:${input.theme}`, before: null, after: `${start}-${end}` })
  return correction
}
