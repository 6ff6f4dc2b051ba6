import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkReply, neutralRewrite } from '../../src/domain/phi-guard.ts'

interface LabelledReply {
  reply: string
  reviewText: string
  reviewerName: string | null
  unsafe: boolean
  why: string
}

const fixture: LabelledReply[] = readFileSync(resolve(import.meta.dirname, '../fixtures/phi-replies.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as LabelledReply)

describe('the PHI guard on the hand-labelled replies', () => {
  it('has at least 60 replies, about half of them unsafe', () => {
    expect(fixture.length).toBeGreaterThanOrEqual(60)
    const unsafe = fixture.filter((r) => r.unsafe).length
    expect(unsafe).toBeGreaterThanOrEqual(30)
    expect(fixture.length - unsafe).toBeGreaterThanOrEqual(30)
  })

  it('blocks unsafe replies with recall >= 0.9 and precision >= 0.85 (printed)', () => {
    let truePositives = 0
    let falsePositives = 0
    let falseNegatives = 0
    const mistakes: string[] = []
    for (const item of fixture) {
      const verdict = checkReply(item.reply, { reviewText: item.reviewText, reviewerName: item.reviewerName })
      const blocked = !verdict.safe
      if (blocked && item.unsafe) truePositives++
      if (blocked && !item.unsafe) {
        falsePositives++
        mistakes.push(`false alarm: ${item.reply} (${verdict.reasons.map((r) => r.message).join('; ')})`)
      }
      if (!blocked && item.unsafe) {
        falseNegatives++
        mistakes.push(`missed: ${item.reply} (${item.why})`)
      }
    }
    const precision = truePositives / (truePositives + falsePositives)
    const recall = truePositives / (truePositives + falseNegatives)
    console.log(`PHI guard on ${fixture.length} replies: precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}\n${mistakes.join('\n')}`)
    expect(recall).toBeGreaterThanOrEqual(0.9)
    expect(precision).toBeGreaterThanOrEqual(0.85)
  })
})
