import BayesClassifier from 'natural/lib/natural/classifiers/bayes_classifier.js'
import { ngramFeaturesOf, ngramScale, trainLogistic, type SparseDoc } from './logistic.ts'
import { WORD, analyse, type Token } from './text.ts'

// The learned half of the tagger, trained on the pack's examples plus curators' confirmations and
// rejections: per theme, a logistic regression (logistic.ts) averaged with a natural
// BayesClassifier (yes/no) over stems; models stored before issue 14 are the Bayes half alone.
// natural scores a text by walking
// its whole vocabulary (textToFeatures is O(vocabulary × tokens)), far too slow for 10,000
// reviews/s, so after training its counts are read once into a table of per-feature log-odds;
// scoring a review is then one map lookup per feature and gives natural's own decision.

/** One training text: the themes it speaks about (any polarity) and those it was checked not to. */
export interface TrainingExample {
  text: string
  /** theme ids the text is about */
  themes: string[]
  /** theme ids a curator said the text is not about */
  notThemes?: string[]
  /**
   * Whether every theme of the text is listed, so it is a negative example for all the others
   * (pack examples, labelled data). A curator's single confirmation or rejection is not.
   */
  complete: boolean
}

export interface ThemeModel {
  /** training texts about the theme, and checked not to be */
  positives: number
  negatives: number
  /** log P(yes) / P(no) */
  bias: number
  /** log-odds when the feature is unseen in a class (natural's smoothing) are folded in */
  weights: Record<string, number>
}

/** What the learner stores: one model per theme, plus the decision threshold on the log-odds. */
export interface LearnedModel {
  /**
   * 'stems/v1': natural's Bayes over stems (models stored before issue 14, still scored);
   * 'ngrams/v2': logistic regression over stems, stem pairs and character n-grams.
   */
  features: 'stems/v1' | 'ngrams/v2'
  threshold: number
  /** log-odds under which a cue match is dropped as a false alarm */
  veto: number
  trainedOn: number
  themes: Record<string, ThemeModel>
}

/**
 * Features of a text: word stems, stop words and negations kept (natural's tokenizeAndStem would
 * drop "not" and "never"). Adjacent pairs were tried and scored lower on SemEval 5-fold (0.74 vs
 * 0.77 F1): with a Bernoulli model they mostly repeat their words' evidence.
 */
export function featuresOf(tokens: readonly Token[]): string[] {
  const out: string[] = []
  for (const t of tokens) if (t.kind === WORD) out.push(t.stem)
  return out
}

/**
 * Each theme's classifier needs this many positive and negative texts before it has a say. With
 * fewer it is overconfident: on clinic-dev 5-fold (≈10–20 positives per theme) its additions took
 * micro-F1 from 0.987 to 0.966.
 */
export const MIN_EXAMPLES = 30
/**
 * A classifier overrules a cue only after this many positive and negative texts: on a few dozen
 * (5-fold on the 60 clinic reviews) its vetoes cost far more true mentions than false ones.
 */
export const VETO_MIN_EXAMPLES = 100
/** A feature seen in fewer training texts than this is noise, not evidence. */
const MIN_COUNT = 2
/** Log-odds a theme needs before the classifier alone claims it. */
export const DEFAULT_THRESHOLD = 0

/** The feature that says the pack's cues found a theme in the text. */
export function cueFeature(themeId: string): string {
  return `@cue:${themeId}`
}
/**
 * natural's additive smoothing of feature counts. Its default (1) pulls rare words' evidence
 * toward nothing; 0.2 scored 0.813 vs 0.805 on SemEval in 5 contiguous-block folds.
 */
export const DEFAULT_SMOOTHING = 0.2
/** Log-odds under which the classifier overrules a cue. */
export const DEFAULT_VETO = -2
/**
 * The logistic model's log-odds are closer to calibrated than Bayes's, so it claims a theme a
 * little under even odds and overrules a cue a little under them too. Chosen on SemEval train
 * 5-fold (threshold, veto → micro-F1): (0, -2) 0.785, (0, 0) 0.802, (-0.5, -0.5) 0.812,
 * (-1, -0.5) 0.801, (-0.7, -0.2) 0.808.
 */
/** Prefix of the Bayes half's features in an 'ngrams/v2' table. */
const BAYES = 'nb:'
export const LOGISTIC_THRESHOLD = -0.5
export const LOGISTIC_VETO = -0.5

export interface TrainOptions {
  threshold?: number
  veto?: number
  minCount?: number
  smoothing?: number
  cueFeatures?: (text: string) => string[]
  /** 'ngrams/v2' (default): logistic regression; 'stems/v1': natural's Bayes, as before issue 14 */
  features?: LearnedModel['features']
}

export function trainThemeModels(
  themeIds: readonly string[], examples: readonly TrainingExample[], options: TrainOptions = {},
): LearnedModel {
  if ((options.features ?? 'ngrams/v2') === 'ngrams/v2') return trainLogisticModels(themeIds, examples, options)
  return trainBayesModels(themeIds, examples, options)
}

/** One-vs-rest logistic regression; a theme needs MIN_EXAMPLES texts each way, as with Bayes. */
function trainLogisticModels(themeIds: readonly string[], examples: readonly TrainingExample[], options: TrainOptions): LearnedModel {
  const raw = examples.map((e) => ({
    ngrams: unique(ngramFeaturesOf(analyse(e.text).tokens)),
    cues: unique(options.cueFeatures?.(e.text) ?? []),
  }))
  const df = new Map<string, number>()
  for (const d of raw) for (const f of [...d.ngrams, ...d.cues]) df.set(f, (df.get(f) ?? 0) + 1)
  const index = new Map<string, number>()
  const names: string[] = []
  const docs: SparseDoc[] = raw.map((d) => {
    const ids: number[] = []
    const values: number[] = []
    const add = (features: string[], value: number): void => {
      for (const f of features) {
        if (df.get(f)! < (options.minCount ?? MIN_COUNT)) continue
        let id = index.get(f)
        if (id === undefined) {
          index.set(f, (id = names.length))
          names.push(f)
        }
        ids.push(id)
        values.push(value)
      }
    }
    add(d.ngrams, ngramScale(d.ngrams.length))
    add(d.cues, 1)
    return { ids: Int32Array.from(ids), values: Float64Array.from(values) }
  })
  const bayes = trainBayesModels(themeIds, examples, options)
  const themes: Record<string, ThemeModel> = {}
  for (const theme of themeIds) {
    const used: SparseDoc[] = []
    const labels: number[] = []
    docs.forEach((d, i) => {
      const e = examples[i]!
      if (d.ids.length === 0) return
      const label = e.themes.includes(theme) ? 1 : e.complete || e.notThemes?.includes(theme) === true ? 0 : -1
      if (label < 0) return
      used.push(d)
      labels.push(label)
    })
    const yes = labels.filter((l) => l === 1).length
    const no = labels.length - yes
    if (yes < MIN_EXAMPLES || no < MIN_EXAMPLES) continue
    const { bias, weights } = trainLogistic(used, Uint8Array.from(labels), names.length, { epochs: 15, rate: 0.1, l2: 3e-3 })
    const table: Record<string, number> = {}
    weights.forEach((w, i) => {
      if (Math.abs(w) > 1e-4) table[names[i]!] = Math.round(w * 10_000) / 10_000
    })
    const nb = bayes.themes[theme]
    if (nb !== undefined) {
      // Averaged with natural's Bayes over stems: the two err on different sentences.
      for (const [f, w] of Object.entries(table)) table[f] = w / 2
      for (const [f, w] of Object.entries(nb.weights)) table[`${BAYES}${f}`] = w / 2
    }
    themes[theme] = { positives: yes, negatives: no, bias: nb === undefined ? bias : (bias + nb.bias) / 2, weights: table }
  }
  return { features: 'ngrams/v2', threshold: options.threshold ?? LOGISTIC_THRESHOLD, veto: options.veto ?? LOGISTIC_VETO, trainedOn: examples.length, themes }
}

function trainBayesModels(themeIds: readonly string[], examples: readonly TrainingExample[], options: TrainOptions): LearnedModel {
  const docs = examples.map((e) => unique([
    ...featuresOf(analyse(e.text).tokens),
    ...(options.cueFeatures?.(e.text) ?? []),
  ]))
  const df = new Map<string, number>()
  for (const d of docs) for (const f of d) df.set(f, (df.get(f) ?? 0) + 1)
  const themes: Record<string, ThemeModel> = {}
  for (const theme of themeIds) {
    const classifier = new BayesClassifier(undefined, options.smoothing ?? DEFAULT_SMOOTHING)
    let yes = 0
    let no = 0
    docs.forEach((d, i) => {
      const e = examples[i]!
      const kept = d.filter((f) => df.get(f)! >= (options.minCount ?? MIN_COUNT))
      if (kept.length === 0) return
      const label = e.themes.includes(theme) ? 'yes'
        : e.complete || e.notThemes?.includes(theme) === true ? 'no' : undefined
      if (label === undefined) return
      if (label === 'yes') yes++
      else no++
      classifier.addDocument(kept, label)
    })
    // Below this the classifier has too little to go on and would only add noise to the cues.
    if (yes < MIN_EXAMPLES || no < MIN_EXAMPLES) continue
    classifier.train()
    themes[theme] = { positives: yes, negatives: no, ...tableOf(classifier) }
  }
  return { features: 'stems/v1', threshold: options.threshold ?? DEFAULT_THRESHOLD, veto: options.veto ?? DEFAULT_VETO, trainedOn: examples.length, themes }
}

/**
 * natural's Bayes counts as a Bernoulli model in log-odds. natural itself scores only the features
 * present in a text, which favours whichever class saw longer texts; the absent features' terms
 * are added here (their sum is folded into the bias), so a long sentence is not a theme by length.
 */
function tableOf(classifier: BayesClassifier): Pick<ThemeModel, 'bias' | 'weights'> {
  const inner = classifier.classifier
  const yesTotal = inner.classTotals.yes ?? 1
  const noTotal = inner.classTotals.no ?? 1
  const yesCounts = inner.classFeatures.yes ?? {}
  const noCounts = inner.classFeatures.no ?? {}
  const s = inner.smoothing
  const weights: Record<string, number> = {}
  let bias = Math.log(yesTotal / noTotal)
  Object.keys(classifier.features).forEach((feature, i) => {
    const py = Math.min((yesCounts[i] ?? s) / (yesTotal + s), 1 - 1e-6)
    const pn = Math.min((noCounts[i] ?? s) / (noTotal + s), 1 - 1e-6)
    const absent = Math.log((1 - py) / (1 - pn))
    bias += absent
    const w = Math.log(py / pn) - absent
    if (Math.abs(w) > 1e-9) weights[feature] = Math.round(w * 1000) / 1000
  })
  return { bias, weights }
}

/** A trained model compiled for scoring: feature → log-odds per theme. */
export interface CompiledModel {
  features: LearnedModel['features']
  themeIds: string[]
  bias: Float64Array
  table: Map<string, Float64Array>
  threshold: number
  veto: number
  /** per theme: trained on enough texts to overrule a cue */
  canVeto: boolean[]
}

export function compileModel(model: LearnedModel): CompiledModel {
  const themeIds = Object.keys(model.themes)
  const bias = new Float64Array(themeIds.length)
  const table = new Map<string, Float64Array>()
  themeIds.forEach((theme, i) => {
    const m = model.themes[theme]!
    bias[i] = m.bias
    for (const [f, w] of Object.entries(m.weights)) {
      let row = table.get(f)
      if (row === undefined) table.set(f, (row = new Float64Array(themeIds.length)))
      row[i] = w
    }
  })
  const canVeto = themeIds.map((t) => model.themes[t]!.positives >= VETO_MIN_EXAMPLES && model.themes[t]!.negatives >= VETO_MIN_EXAMPLES)
  return { features: model.features, themeIds, bias, table, threshold: model.threshold, veto: model.veto, canVeto }
}

/** Log-odds per theme for a tokenised text. */
export function scoreThemes(model: CompiledModel, tokens: readonly Token[], extra: readonly string[] = []): Float64Array {
  const scores = Float64Array.from(model.bias)
  const add = (features: readonly string[], value: number): void => {
    for (const f of features) {
      const row = model.table.get(f)
      if (row === undefined) continue
      for (let i = 0; i < row.length; i++) scores[i]! += row[i]! * value
    }
  }
  if (model.features === 'ngrams/v2') {
    const ngrams = unique(ngramFeaturesOf(tokens))
    add(ngrams, ngramScale(ngrams.length))
    add(unique([...featuresOf(tokens), ...extra]).map((f) => `${BAYES}${f}`), 1)
  } else {
    add(unique(featuresOf(tokens)), 1)
  }
  add(unique(extra as string[]), 1)
  return scores
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)]
}
