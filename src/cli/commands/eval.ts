import { z } from 'zod'
import { evaluate, type EvalReport, type LabelledReview } from '../../domain/eval.ts'
import type { TagResult } from '../../domain/review.ts'
import { linesOf } from './tag.ts'

const labelledLine = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  text: z.string(),
  rating: z.number().int().min(1).max(5).optional(),
  themes: z.record(z.string(), z.string()),
})

/** Reads labelled reviews (the clinic-dev.jsonl format) and scores the tagger against them. */
export async function runEval(file: string, tag: (text: string, rating?: number) => TagResult): Promise<EvalReport> {
  const items: LabelledReview[] = []
  let lineNumber = 0
  for await (const line of linesOf(file)) {
    lineNumber++
    if (line.trim() === '') continue
    const parsed = labelledLine.safeParse(JSON.parse(line))
    if (!parsed.success) throw new Error(`${file} line ${lineNumber}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
    items.push(parsed.data)
  }
  return evaluate(items, tag)
}
