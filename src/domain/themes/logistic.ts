import { WORD, type Token } from './text.ts'

// One-vs-rest logistic regression over sparse features: the learned part of the tagger.
// Word stems alone miss what pairs and word pieces carry ("not worth", "overpriced" ~ "priced").
// SemEval-2014 restaurant train, 5-fold category micro-F1 of the whole tagger: natural's Bayes over
// stems 0.810; this model 0.812; the two averaged (learner.ts) 0.817. Weights are additive per
// feature, so the compiled table still scores a sentence with one map lookup per feature.

/**
 * Features of a text: word stems (negations kept), adjacent stem pairs, and character 3- to
 * 5-grams of each word with its boundaries ("^pri", "ice$"), which let unseen word forms and
 * typos share evidence with seen ones.
 */
export function ngramFeaturesOf(tokens: readonly Token[]): string[] {
  const out: string[] = []
  let prev = ''
  for (const t of tokens) {
    if (t.kind !== WORD) {
      prev = ''
      continue
    }
    out.push(t.stem)
    if (prev !== '') out.push(`${prev} ${t.stem}`)
    prev = t.stem
    const w = `^${t.norm}$`
    for (let n = 3; n <= 5; n++) {
      for (let i = 0; i + n <= w.length; i++) out.push(`~${w.slice(i, i + n)}`)
    }
  }
  return out
}

export interface LogisticOptions {
  /** passes over the training texts */
  epochs?: number
  /** AdaGrad step size */
  rate?: number
  /** L2 penalty on the weights a text touches, per step */
  l2?: number
}

/** A text as features: indices into the feature list, each once, with their values. */
export interface SparseDoc {
  ids: Int32Array
  values: Float64Array
}

/**
 * Trains one binary classifier (`labels[i]` 1 or 0). Deterministic (a fixed-seed order), so the
 * same examples always give the same model.
 */
export function trainLogistic(
  docs: ReadonlyArray<SparseDoc>, labels: Uint8Array, featureCount: number, options: LogisticOptions = {},
): { bias: number; weights: Float64Array } {
  const epochs = options.epochs ?? 10
  const rate = options.rate ?? 0.1
  const l2 = options.l2 ?? 1e-3
  const weights = new Float64Array(featureCount)
  const squared = new Float64Array(featureCount)
  let bias = 0
  let biasSquared = 0
  const order = Int32Array.from(docs.keys())
  let seed = 0x2545f491
  const next = (): number => {
    seed ^= seed << 13
    seed ^= seed >>> 17
    seed ^= seed << 5
    return (seed >>> 0) / 0x1_0000_0000
  }
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1))
      const tmp = order[i]!
      order[i] = order[j]!
      order[j] = tmp
    }
    for (const d of order) {
      const { ids, values } = docs[d]!
      let z = bias
      for (let k = 0; k < ids.length; k++) z += weights[ids[k]!]! * values[k]!
      const error = 1 / (1 + Math.exp(-z)) - labels[d]!
      // a saturated, right answer teaches nothing (and would divide 0 by 0 below)
      if (error === 0) continue
      biasSquared += error * error
      bias -= (rate * error) / Math.sqrt(biasSquared)
      for (let k = 0; k < ids.length; k++) {
        const f = ids[k]!
        const g = error * values[k]! + l2 * weights[f]!
        if (g === 0) continue
        squared[f]! += g * g
        weights[f]! -= (rate * g) / Math.sqrt(squared[f]!)
      }
    }
  }
  return { bias, weights }
}

/**
 * The value of a text's n-gram features: 1/√(how many it has), so a long sentence's hundreds of
 * character n-grams do not outvote a short one's few; cue features keep the value 1.
 */
export function ngramScale(featureCount: number): number {
  return featureCount === 0 ? 0 : 1 / Math.sqrt(featureCount)
}
