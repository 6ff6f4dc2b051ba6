import type { HideReason, ThemeVerdict } from '../domain/access.ts'
import type { Polarity } from '../domain/review.ts'
import type { Db } from '../db/database.ts'
import { recordAudit } from '../db/stores/audit.ts'
import { ReviewStore } from '../db/stores/reviews.ts'
import { activePackId, saveCorrection, type Verdict } from '../db/stores/theme-packs.ts'
import { collectionsQuotingReview, deleteHide, getHide, insertThemeCorrection, listThemeCorrections, putHide, type ThemeCorrection } from '../db/stores/review-moderation.ts'
import { NotFoundError, RuleViolationError } from './errors.ts'

async function activeReview(db: Db, reviewId: string) {
  const review = await new ReviewStore(db).get(reviewId)
  if (!review) throw new NotFoundError(`review ${reviewId} does not exist`)
  return review
}

/**
 * Takes a review out of public lists for one of the fixed reasons. The reason is typed by the
 * fixed list; the rating is never consulted. Returns the collections whose feeds must be rebuilt.
 */
export async function hideReview(db: Db, params: { reviewId: string; reason: HideReason }, actor: string, now: Date): Promise<string[]> {
  await activeReview(db, params.reviewId)
  const before = await getHide(db, params.reviewId)
  await putHide(db, { reviewId: params.reviewId, reason: params.reason, actor, at: now })
  await recordAudit(db, { at: now, actor, action: 'review.hide', subject: params.reviewId, before: before ? { reason: before.reason } : { hidden: false }, after: { reason: params.reason } })
  return await collectionsQuotingReview(db, params.reviewId)
}

export async function unhideReview(db: Db, reviewId: string, actor: string, now: Date): Promise<string[]> {
  await activeReview(db, reviewId)
  const before = await getHide(db, reviewId)
  if (!before) throw new RuleViolationError(`review ${reviewId} is not hidden`)
  await deleteHide(db, reviewId)
  await recordAudit(db, { at: now, actor, action: 'review.unhide', subject: reviewId, before: { reason: before.reason }, after: { hidden: false } })
  return await collectionsQuotingReview(db, reviewId)
}

const ENGINE_VERDICT: Record<ThemeVerdict, Verdict> = { confirmed: 'confirm', rejected: 'reject', added: 'add' }

/** A curator's verdict on a theme chip, kept as a labelled example for the theme engine. */
export async function correctTheme(db: Db, params: { reviewId: string; theme: string; polarity: Polarity; verdict: ThemeVerdict }, knownThemes: readonly string[], actor: string, now: Date): Promise<void> {
  const review = await activeReview(db, params.reviewId)
  if (!knownThemes.includes(params.theme)) throw new RuleViolationError(`theme "${params.theme}" is not in the theme pack`)
  await insertThemeCorrection(db, { ...params, actor, at: now })
  // The same verdict, on the evidence the chip stands for, is what the theme engine trains on
  // (`plaudit themes retrain`): the confirmed or rejected mention's span, or the whole review for
  // a theme the tagger missed.
  const packId = await activePackId(db)
  if (packId) {
    const mention = (await new ReviewStore(db).mentionsOf(params.reviewId)).find((m) => m.theme === params.theme)
    const span = mention && params.verdict !== 'added' ? mention : { start: 0, end: review.text.length }
    await saveCorrection(db, {
      reviewId: params.reviewId,
      packId,
      theme: params.theme,
      verdict: ENGINE_VERDICT[params.verdict],
      polarity: params.polarity,
      start: span.start,
      end: span.end,
      evidence: review.text.slice(span.start, span.end),
      actor,
      at: now,
    })
  }
  await recordAudit(db, { at: now, actor, action: `theme.${params.verdict}`, subject: params.reviewId, after: { theme: params.theme, polarity: params.polarity } })
}

export interface LabelledExample {
  id: string
  text: string
  rating: number
  themes: Record<string, Polarity>
}

/**
 * The curators' verdicts as labelled reviews in the clinic-dev.jsonl shape, so `plaudit eval` can
 * score the theme engine on them and a pack editor can tune cues: the engine's themes, minus the
 * rejected ones, plus the added ones; the latest verdict per theme wins.
 */
export async function labelledExamplesFromCorrections(db: Db): Promise<LabelledExample[]> {
  const byReview = new Map<string, ThemeCorrection[]>()
  for (const c of await listThemeCorrections(db)) byReview.set(c.reviewId, [...(byReview.get(c.reviewId) ?? []), c])
  const store = new ReviewStore(db)
  const examples: LabelledExample[] = []
  for (const [reviewId, corrections] of byReview) {
    const review = await store.get(reviewId)
    if (!review || review.status !== 'active') continue
    const themes: Record<string, Polarity> = { ...review.themes }
    for (const c of corrections) {
      if (c.verdict === 'rejected') delete themes[c.theme]
      else themes[c.theme] = c.polarity
    }
    examples.push({ id: review.id, text: review.text, rating: review.rating, themes })
  }
  return examples
}
