import type { TagResult } from './review.ts'

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
  perTheme: Record<string, ThemeScore>
  /** missed themes, spurious themes and wrong polarities, in input order */
  errors: EvalError[]
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

  for (const item of items) {
    const predicted: Record<string, string> = predict(item.text, item.rating).themes
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
    perTheme,
    errors,
  }
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
