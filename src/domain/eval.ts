import type { TagResult } from './review.ts'
import { CONTRAST, NEGATORS } from './themes/lexicon.ts'
import { WORD, analyse } from './themes/text.ts'

// Scoring a tagger against labelled reviews: theme detection (precision/recall/F1, micro and
// macro) and, on themes both labelled and detected, polarity accuracy.

export interface LabelledReview {
  id: string
  text: string
  rating?: number
  /** theme id → expected polarity ("positive" | "negative" | "mixed"); {} means no theme */
  themes: Record<string, string>
}

export interface Prf {
  precision: number
  recall: number
  f1: number
}

export interface ThemeScore extends Prf {
  tp: number
  fp: number
  fn: number
  /** polarity accuracy on this theme's true positives (0 when there are none) */
  polarityAccuracy: number
  /** number of reviews labelled with the theme */
  support: number
}

export interface EvalError {
  id: string
  theme: string
  /** labelled polarity, or null when the theme was detected but not labelled */
  expected: string | null
  /** detected polarity, or null when the theme was labelled but not detected */
  predicted: string | null
}

export interface EvalReport {
  count: number
  micro: Prf
  /** unweighted mean over every theme seen in labels or predictions */
  macro: Prf
  /** share of (review, theme) pairs both labelled and detected whose polarity matches */
  polarityAccuracy: number
  /** complaints (negative or mixed): what an owner is shown as criticism, and how much of it is real */
  complaints: ComplaintFigures
  perTheme: Record<string, ThemeScore>
  /** missed themes, spurious themes and wrong polarities, in input order */
  errors: EvalError[]
  /** the errors on reviews with a negation ("never", "didn't") and with a contrast ("but") */
  hardCases: {
    negated: HardCaseFigures
    contrasted: HardCaseFigures
  }
}

/**
 * A complaint tag is a detected theme with a negative or mixed polarity; it is right when the
 * review is labelled with a complaint (negative or mixed) on that theme. Precision answers "of the
 * complaints shown, how many are real", recall "of the real complaints, how many were shown".
 */
export interface ComplaintFigures extends Prf {
  /** complaint tags the tagger produced */
  tagged: number
  /** of those, on a theme labelled as a complaint */
  right: number
  /** complaints in the labels */
  labelled: number
  /** of those, detected as a complaint */
  found: number
}

const isComplaint = (polarity: string | null | undefined) => polarity === 'negative' || polarity === 'mixed'

export function complaintFigures(items: LabelledReview[], predictions: (item: LabelledReview) => Record<string, string>): ComplaintFigures {
  let tagged = 0
  let right = 0
  let labelled = 0
  let found = 0
  for (const item of items) {
    const predicted = predictions(item)
    for (const [theme, polarity] of Object.entries(predicted)) {
      if (!isComplaint(polarity)) continue
      tagged++
      if (isComplaint(item.themes[theme])) right++
    }
    for (const [theme, polarity] of Object.entries(item.themes)) {
      if (!isComplaint(polarity)) continue
      labelled++
      if (isComplaint(predicted[theme])) found++
    }
  }
  const precision = ratio(right, tagged)
  const recall = ratio(found, labelled)
  return {
    precision: round(precision), recall: round(recall), f1: round(ratio(2 * precision * recall, precision + recall)),
    tagged, right, labelled, found,
  }
}

export interface HardCaseFigures {
  /** labelled reviews of this kind */
  reviews: number
  micro: Prf
  polarityAccuracy: number
  errors: Array<EvalError & { text: string }>
}

/** Whether a text holds a negation word and whether it holds a contrast word. */
export function hardCaseKinds(text: string): { negated: boolean; contrasted: boolean } {
  let negated = false
  let contrasted = false
  for (const t of analyse(text).tokens) {
    if (t.kind !== WORD) continue
    if (NEGATORS.has(t.norm)) negated = true
    if (CONTRAST.has(t.norm)) contrasted = true
  }
  return { negated, contrasted }
}

interface Tally {
  tp: number
  fp: number
  fn: number
  polarityHits: number
}

export function evaluate(
  items: LabelledReview[],
  predict: (text: string, rating?: number) => TagResult,
): EvalReport {
  const tallies = new Map<string, Tally>()
  const tally = (theme: string): Tally => {
    let t = tallies.get(theme)
    if (t === undefined) tallies.set(theme, (t = { tp: 0, fp: 0, fn: 0, polarityHits: 0 }))
    return t
  }
  const errors: EvalError[] = []
  const predictions = new Map<LabelledReview, Record<string, string>>()

  for (const item of items) {
    const predicted: Record<string, string> = predict(item.text, item.rating).themes
    predictions.set(item, predicted)
    const expected = item.themes
    for (const theme of Object.keys(expected).sort()) {
      const want = expected[theme]!
      const got = Object.hasOwn(predicted, theme) ? predicted[theme]! : null
      const t = tally(theme)
      if (got === null) {
        t.fn++
        errors.push({ id: item.id, theme, expected: want, predicted: null })
      } else {
        t.tp++
        if (got === want) t.polarityHits++
        else errors.push({ id: item.id, theme, expected: want, predicted: got })
      }
    }
    for (const theme of Object.keys(predicted).sort()) {
      if (Object.hasOwn(expected, theme)) continue
      tally(theme).fp++
      errors.push({ id: item.id, theme, expected: null, predicted: predicted[theme]! })
    }
  }

  const perTheme: Record<string, ThemeScore> = {}
  let tp = 0
  let fp = 0
  let fn = 0
  let hits = 0
  const macroSum = { precision: 0, recall: 0, f1: 0 }
  const themes = [...tallies.keys()].sort()
  for (const theme of themes) {
    const t = tallies.get(theme)!
    const prf = scores(t.tp, t.fp, t.fn)
    perTheme[theme] = {
      tp: t.tp, fp: t.fp, fn: t.fn, ...prf,
      polarityAccuracy: round(ratio(t.polarityHits, t.tp)),
      support: t.tp + t.fn,
    }
    tp += t.tp
    fp += t.fp
    fn += t.fn
    hits += t.polarityHits
    macroSum.precision += prf.precision
    macroSum.recall += prf.recall
    macroSum.f1 += prf.f1
  }
  const n = themes.length
  return {
    count: items.length,
    micro: scores(tp, fp, fn),
    macro: {
      precision: round(ratio(macroSum.precision, n)),
      recall: round(ratio(macroSum.recall, n)),
      f1: round(ratio(macroSum.f1, n)),
    },
    polarityAccuracy: round(ratio(hits, tp)),
    complaints: complaintFigures(items, (item) => predictions.get(item)!),
    perTheme,
    errors,
    hardCases: {
      negated: hardCase(items.filter((i) => hardCaseKinds(i.text).negated), predictions, errors),
      contrasted: hardCase(items.filter((i) => hardCaseKinds(i.text).contrasted), predictions, errors),
    },
  }
}

function hardCase(
  items: LabelledReview[], predictions: Map<LabelledReview, Record<string, string>>, errors: EvalError[],
): HardCaseFigures {
  let tp = 0
  let fp = 0
  let fn = 0
  let hits = 0
  const ids = new Map(items.map((i) => [i.id, i.text]))
  for (const item of items) {
    const predicted = predictions.get(item)!
    for (const [theme, want] of Object.entries(item.themes)) {
      if (!Object.hasOwn(predicted, theme)) fn++
      else {
        tp++
        if (predicted[theme] === want) hits++
      }
    }
    for (const theme of Object.keys(predicted)) if (!Object.hasOwn(item.themes, theme)) fp++
  }
  return {
    reviews: items.length,
    micro: scores(tp, fp, fn),
    polarityAccuracy: round(ratio(hits, tp)),
    errors: errors.filter((e) => ids.has(e.id)).map((e) => ({ ...e, text: ids.get(e.id)! })),
  }
}

/** Cross-validated figures, with the per-fold micro-F1 to show the spread. */
export interface CrossValidationReport extends EvalReport {
  folds: number
  foldMicroF1: number[]
}

/**
 * k-fold cross-validation: item i is tested in fold i mod k by a tagger built from the other folds
 * only. Deterministic (no shuffling), so two runs give the same figures. The pooled predictions
 * are scored as one evaluation.
 */
export function crossValidate(
  items: LabelledReview[], folds: number,
  build: (training: LabelledReview[]) => (text: string, rating?: number) => TagResult,
): CrossValidationReport {
  if (!Number.isInteger(folds) || folds < 2 || folds > items.length) {
    throw new RangeError(`folds must be an integer from 2 to ${items.length}, got ${folds}`)
  }
  const predictors: Array<(text: string, rating?: number) => TagResult> = []
  const foldMicroF1: number[] = []
  const foldOf = new Map<LabelledReview, number>()
  items.forEach((item, i) => foldOf.set(item, i % folds))
  for (let f = 0; f < folds; f++) {
    const predictor = build(items.filter((item) => foldOf.get(item) !== f))
    predictors.push(predictor)
    foldMicroF1.push(evaluate(items.filter((item) => foldOf.get(item) === f), predictor).micro.f1)
  }
  // Each text is predicted by its own fold's tagger; identical texts in two folds are told apart.
  const byItem = new Map<string, number[]>()
  items.forEach((item) => {
    const key = `${item.text}\u0000${item.rating ?? ''}`
    const list = byItem.get(key) ?? []
    list.push(foldOf.get(item)!)
    byItem.set(key, list)
  })
  const report = evaluate(items, (text, rating) => {
    const list = byItem.get(`${text}\u0000${rating ?? ''}`)!
    return predictors[list.shift()!]!(text, rating)
  })
  return { ...report, folds, foldMicroF1 }
}

function scores(tp: number, fp: number, fn: number): Prf {
  const precision = ratio(tp, tp + fp)
  const recall = ratio(tp, tp + fn)
  const f1 = ratio(2 * precision * recall, precision + recall)
  return { precision: round(precision), recall: round(recall), f1: round(f1) }
}

/** 0 for an empty denominator: nothing predicted or nothing labelled scores nothing. */
function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000
}
