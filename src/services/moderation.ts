import type { HideReason, ThemeVerdict } from '../domain/access.ts'
import type { Polarity } from '../domain/review.ts'
import type { Db } from '../db/database.ts'
import { recordAudit } from '../db/stores/audit.ts'
import { ReviewStore } from '../db/stores/reviews.ts'
import { activePackId, saveCorrection, type Verdict } from '../db/stores/theme-packs.ts'
import { collectionsQuotingReview, deleteHide, getHide, insertThemeCorrection, listThemeCorrections, putHide, type ThemeCorrection } from '../db/stores/review-moderation.ts'
import { NotFoundError, RuleViolationError } from './errors.ts'

function activeReview(db: Db, reviewId: string) {
  const review = new ReviewStore(db).get(reviewId)
  if (!review) throw new NotFoundError(`review ${reviewId} does not exist`)
  return review
}

/**
 * Takes a review out of public lists for one of the fixed reasons. The reason is typed by the
 * fixed list; the rating is never consulted. Returns the collections whose feeds must be rebuilt.
 */
export function hideReview(db: Db, params: { reviewId: string; reason: HideReason }, actor: string, now: Date): string[] {
  activeReview(db, params.reviewId)
  const before = getHide(db, params.reviewId)
  putHide(db, { reviewId: params.reviewId, reason: params.reason, actor, at: now })
  recordAudit(db, { at: now, actor, action: 'review.hide', subject: params.reviewId, before: before ? { reason: before.reason } : { hidden: false }, after: { reason: params.reason } })
  return collectionsQuotingReview(db, params.reviewId)
}

export function unhideReview(db: Db, reviewId: string, actor: string, now: Date): string[] {
  activeReview(db, reviewId)
  const before = getHide(db, reviewId)
  if (!before) throw new RuleViolationError(`review ${reviewId} is not hidden`)
  deleteHide(db, reviewId)
  recordAudit(db, { at: now, actor, action: 'review.unhide', subject: reviewId, before: { reason: before.reason }, after: { hidden: false } })
  return collectionsQuotingReview(db, reviewId)
}

const ENGINE_VERDICT: Record<ThemeVerdict, Verdict> = { confirmed: 'confirm', rejected: 'reject', added: 'add' }

/** A curator's verdict on a theme chip, kept as a labelled example for the theme engine. */
export function correctTheme(db: Db, params: { reviewId: string; theme: string; polarity: Polarity; verdict: ThemeVerdict }, knownThemes: readonly string[], actor: string, now: Date): void {
  const review = activeReview(db, params.reviewId)
  if (!knownThemes.includes(params.theme)) throw new RuleViolationError(`theme "${params.theme}" is not in the theme pack`)
  insertThemeCorrection(db, { ...params, actor, at: now })
  // The same verdict, on the evidence the chip stands for, is what the theme engine trains on
  // (`plaudit themes retrain`): the confirmed or rejected mention's span, or the whole review for
  // a theme the tagger missed.
  const packId = activePackId(db)
  if (packId) {
    const mention = new ReviewStore(db).mentionsOf(params.reviewId).find((m) => m.theme === params.theme)
    const span = mention && params.verdict !== 'added' ? mention : { start: 0, end: review.text.length }
    saveCorrection(db, {
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
  recordAudit(db, { at: now, actor, action: `theme.${params.verdict}`, subject: params.reviewId, after: { theme: params.theme, polarity: params.polarity } })
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
export function labelledExamplesFromCorrections(db: Db): LabelledExample[] {
  const byReview = new Map<string, ThemeCorrection[]>()
  for (const c of listThemeCorrections(db)) byReview.set(c.reviewId, [...(byReview.get(c.reviewId) ?? []), c])
  const store = new ReviewStore(db)
  const examples: LabelledExample[] = []
  for (const [reviewId, corrections] of byReview) {
    const review = store.get(reviewId)
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
