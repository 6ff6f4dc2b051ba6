import { z } from 'zod'
import { crossValidate, evaluate, type EvalReport, type LabelledReview, type Prf } from '../../domain/eval.ts'
import type { TagResult } from '../../domain/review.ts'
import { compileModel, type TrainingExample } from '../../domain/themes/learner.ts'
import type { ThemePack } from '../../domain/themes/pack.ts'
import { createTagger } from '../../domain/themes/tagger.ts'
import { packExamples, trainModel } from '../../services/theme-packs.ts'
import { linesOf } from './tag.ts'

const labelledLine = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  text: z.string(),
  rating: z.number().int().min(1).max(5).optional(),
  themes: z.record(z.string(), z.string()),
})

/** Reads labelled reviews (the clinic-dev.jsonl format) and scores the tagger against them. */
export async function runEval(file: string, tag: (text: string, rating?: number) => TagResult): Promise<EvalReport> {
  return evaluate(await readLabelled(file), tag)
}

export async function readLabelled(file: string): Promise<LabelledReview[]> {
  const items: LabelledReview[] = []
  let lineNumber = 0
  for await (const line of linesOf(file)) {
    lineNumber++
    if (line.trim() === '') continue
    const parsed = labelledLine.safeParse(JSON.parse(line))
    if (!parsed.success) throw new Error(`${file} line ${lineNumber}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
    items.push(parsed.data)
  }
  return items
}

/** What each source of training changed, on the same file, as micro figures and polarity. */
export interface LearningStep {
  step: string
  trainedOn: number
  micro: Prf
  polarityAccuracy: number
}

export interface FullEvalReport extends EvalReport {
  pack: { id: string; version: number }
  /**
   * "in-sample": the classifier saw no part of the file, but the pack's cues may have been written
   * on it; "train-file": the classifier was trained on another labelled file; "k-fold": each item
   * was tagged by a classifier trained on the other folds.
   */
  mode: 'in-sample' | 'train-file' | 'k-fold'
  folds?: number
  foldMicroF1?: number[]
  learning: LearningStep[]
}

/**
 * Scores a pack on a labelled file. Without folds: cues, then cues plus the classifier trained on
 * the pack's examples, then on the examples plus curators' corrections. With k folds: each item is
 * tagged by a classifier trained on the examples, the corrections and the other folds' items.
 */
export function evalPack(
  items: LabelledReview[], pack: ThemePack, corrections: TrainingExample[], folds?: number, trainingFile: LabelledReview[] = [],
): FullEvalReport {
  // A separate labelled file (e.g. SemEval's train split when scoring its test split) trains the
  // classifier like more pack examples; it is never the file being scored.
  const examples = [...packExamples(pack), ...trainingFile.map(asExample)]
  const withModel = (training: TrainingExample[]) => {
    const model = trainModel(pack, training)
    return { tag: createTagger(pack, compileModel(model)), trainedOn: training.length }
  }
  const steps: Array<{ step: string; tag: (text: string, rating?: number) => TagResult; trainedOn: number }> = [
    { step: 'cues only', tag: createTagger(pack), trainedOn: 0 },
    { step: trainingFile.length > 0 ? `cues + pack examples + ${trainingFile.length} labelled training items` : 'cues + pack examples', ...withModel(examples) },
  ]
  if (corrections.length > 0) steps.push({ step: 'cues + pack examples + corrections', ...withModel([...examples, ...corrections]) })
  const learning: LearningStep[] = steps.map(({ step, tag, trainedOn }) => {
    const r = evaluate(items, tag)
    return { step, trainedOn, micro: r.micro, polarityAccuracy: r.polarityAccuracy }
  })
  const head = { pack: { id: pack.id, version: pack.version } }
  if (folds === undefined) {
    const last = steps[steps.length - 1]!
    return { ...head, mode: trainingFile.length > 0 ? 'train-file' : 'in-sample', ...evaluate(items, last.tag), learning }
  }
  const cv = crossValidate(items, folds, (training) => withModel([
    ...examples, ...corrections,
    ...training.map(asExample),
  ]).tag)
  learning.push({ step: `cues + examples + corrections + other folds (${folds}-fold)`, trainedOn: examples.length + corrections.length, micro: cv.micro, polarityAccuracy: cv.polarityAccuracy })
  return { ...head, mode: 'k-fold', ...cv, learning }
}

function asExample(item: LabelledReview): TrainingExample {
  return { text: item.text, themes: Object.keys(item.themes), complete: true }
}

/** A short table for people; the JSON report stays the machine-readable output. */
export function describeEval(r: FullEvalReport): string {
  const pct = (x: number) => x.toFixed(3)
  const lines = [
    `${r.pack.id} v${r.pack.version}, ${r.count} items, ${r.mode === 'k-fold' ? `${r.folds}-fold cross-validation` : r.mode === 'train-file' ? 'classifier trained on another file' : 'in-sample'}`,
    `micro P ${pct(r.micro.precision)} R ${pct(r.micro.recall)} F1 ${pct(r.micro.f1)}; macro F1 ${pct(r.macro.f1)}; polarity ${pct(r.polarityAccuracy)}`,
    `complaints (negative or mixed): P ${pct(r.complaints.precision)} (${r.complaints.right} of ${r.complaints.tagged} tagged are real) R ${pct(r.complaints.recall)} (${r.complaints.found} of ${r.complaints.labelled} real found)`,
    'theme                      P      R      F1     pol    support',
    ...Object.entries(r.perTheme).map(([t, s]) => `${t.padEnd(26)} ${pct(s.precision)}  ${pct(s.recall)}  ${pct(s.f1)}  ${pct(s.polarityAccuracy)}  ${s.support}`),
    `negated: ${r.hardCases.negated.reviews} items, F1 ${pct(r.hardCases.negated.micro.f1)}, polarity ${pct(r.hardCases.negated.polarityAccuracy)}, ${r.hardCases.negated.errors.length} errors`,
    `contrasted: ${r.hardCases.contrasted.reviews} items, F1 ${pct(r.hardCases.contrasted.micro.f1)}, polarity ${pct(r.hardCases.contrasted.polarityAccuracy)}, ${r.hardCases.contrasted.errors.length} errors`,
    'learning:',
    ...r.learning.map((l) => `  ${l.step.padEnd(60)} F1 ${pct(l.micro.f1)}  polarity ${pct(l.polarityAccuracy)}`),
  ]
  return lines.join('\n')
}
