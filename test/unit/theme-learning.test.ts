import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { crossValidate, evaluate, hardCaseKinds, type LabelledReview } from '../../src/domain/eval.ts'
import { compileModel, featuresOf, trainThemeModels, type TrainingExample } from '../../src/domain/themes/learner.ts'
import type { Polarity } from '../../src/domain/review.ts'
import type { ThemePack } from '../../src/domain/themes/pack.ts'
import { restaurantPack } from '../../src/domain/themes/restaurant-pack.ts'
import { createCueFeatures, createTagger } from '../../src/domain/themes/tagger.ts'
import { analyse } from '../../src/domain/themes/text.ts'

const ROOT = resolve(import.meta.dirname, '../..')

const pack: ThemePack = {
  id: 'test',
  version: 1,
  label: 'Test',
  themes: [
    { id: 'dessert', label: 'Dessert', description: '', cues: ['(cake|pie)'], antiCues: [] },
    { id: 'parking', label: 'Parking', description: '', cues: ['park'], antiCues: [] },
  ],
}
const train = (examples: TrainingExample[]) =>
  compileModel(trainThemeModels(pack.themes.map((t) => t.id), examples, { cueFeatures: createCueFeatures(pack) }))
const many = (n: number, f: (i: number) => TrainingExample) => Array.from({ length: n }, (_, i) => f(i))

describe('the learned classifier beside the cues', () => {
  const examples = [
    ...many(30, (i) => ({ text: `The tiramisu and the gelato were divine, visit ${i}.`, themes: ['dessert'], complete: true })),
    ...many(30, (i) => ({ text: `We found a spot in the garage on level ${i}.`, themes: ['parking'], complete: true })),
    ...['Great coffee.', 'The staff were friendly.', 'Nice music tonight.', 'Our table was by the window.', 'Good wine list.',
      'We came for a birthday.', 'The bill was fair.', 'Loud room.', 'Fast service.', 'Clean restrooms.'].map((text) => ({ text, themes: [], complete: true })),
  ]

  it('finds a theme no cue names once examples teach it, with the sentence as evidence', () => {
    const text = 'Lovely evening. The tiramisu was divine.'
    expect(createTagger(pack)(text, 5).themes).toEqual({})
    const result = createTagger(pack, train(examples))(text, 5)
    expect(result.themes).toEqual({ dessert: 'positive' })
    const m = result.mentions[0]!
    expect(text.slice(m.start, m.end)).toBe('The tiramisu was divine.')
  })

  it('drops a cue\'s false alarm after curators rejected enough of them, and keeps the real ones', () => {
    const corrections = [
      ...many(120, (i) => ({ text: `We walked in the park by the river after visit ${i}.`, themes: [], notThemes: ['parking'], complete: false })),
      ...many(120, (i) => ({ text: `Easy to park right out front, space ${i}.`, themes: ['parking'], complete: false })),
    ]
    const before = createTagger(pack, train(examples))
    const after = createTagger(pack, train([...examples, ...corrections]))
    expect(before('We walked in the park by the river.', 5).themes).toEqual({ parking: 'positive' })
    expect(after('We walked in the park by the river.', 5).themes).toEqual({})
    expect(after('Easy to park out front.', 5).themes).toEqual({ parking: 'positive' })
  })

  it('keeps negations and contractions as features (natural\'s tokenizeAndStem would drop "not" and "never")', () => {
    expect(featuresOf(analyse("I didn't wait, never rushed, not once.").tokens)).toEqual(['i', "didn't", 'wait', 'never', 'rush', 'not', 'onc'])
  })

  it('loads natural\'s classifier without printing anything (no dotenv lines from natural\'s root import)', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', "await import('./src/domain/themes/learner.ts'); await import('./src/domain/themes/tagger.ts')"], { cwd: ROOT, encoding: 'utf8' })
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout).toBe('')
  })
})

describe('cross-validation', () => {
  it('tags every item with a model that never saw it', () => {
    const items: LabelledReview[] = Array.from({ length: 10 }, (_, i) => ({ id: `i${i}`, text: `text ${i}`, themes: {} }))
    const trainedWithout = new Map<string, string[]>()
    const report = crossValidate(items, 5, (training) => (text) => {
      trainedWithout.set(text, training.map((t) => t.text))
      return { themes: {}, mentions: [] }
    })
    expect(report.folds).toBe(5)
    expect(report.foldMicroF1).toHaveLength(5)
    for (const item of items) {
      expect(trainedWithout.get(item.text)).toHaveLength(8)
      expect(trainedWithout.get(item.text)).not.toContain(item.text)
    }
  })

  it('refuses a fold count that leaves a fold empty', () => {
    expect(() => crossValidate([{ id: 'a', text: 'a', themes: {} }], 2, () => () => ({ themes: {}, mentions: [] }))).toThrow('folds must be an integer from 2 to 1, got 2')
  })
})

describe('the errors on negated and contrasted sentences', () => {
  it('sorts reviews by negation and contrast and keeps their errors with the text', () => {
    expect(hardCaseKinds("She didn't explain anything.")).toEqual({ negated: true, contrasted: false })
    expect(hardCaseKinds('Lovely staff but I waited 45 minutes.')).toEqual({ negated: false, contrasted: true })
    const items: LabelledReview[] = [
      { id: 'n', text: 'I never felt rushed.', themes: { x: 'positive' } },
      { id: 'c', text: 'Nice but slow.', themes: { x: 'mixed' } },
      { id: 'p', text: 'Plain.', themes: {} },
    ]
    const none: Record<string, Polarity> = {}
    const r = evaluate(items, (text) => ({ themes: text === 'Plain.' ? none : { x: 'negative' }, mentions: [] }))
    expect(r.hardCases.negated).toMatchObject({ reviews: 1, polarityAccuracy: 0, errors: [{ id: 'n', expected: 'positive', predicted: 'negative', text: 'I never felt rushed.' }] })
    expect(r.hardCases.contrasted.errors.map((e) => e.id)).toEqual(['c'])
  })
})

describe('the restaurant pack', () => {
  const tag = createTagger(restaurantPack)
  it('tags the SemEval categories from cues, neutral when the sentence takes no stance', () => {
    expect(tag('The waiter was rude but the pasta was delicious.').themes).toEqual({ service: 'negative', food: 'positive' })
    expect(tag('We ordered the pasta.').themes).toEqual({ food: 'neutral' })
    expect(tag('Way too expensive for what you get.').themes).toMatchObject({ price: 'negative' })
  })
  it('falls back to anecdotes/miscellaneous when no other theme is named', () => {
    expect(Object.keys(tag('We went there on a Tuesday.').themes)).toEqual(['anecdotes/miscellaneous'])
  })
})

describe('plaudit eval: what the corrections changed', () => {
  it('reports cues only, with the pack examples, and with the corrections, on the same file', async () => {
    const { evalPack } = await import('../../src/cli/commands/eval.ts')
    const items: LabelledReview[] = [
      { id: 'a', text: 'We walked in the park by the river.', rating: 5, themes: {} },
      { id: 'b', text: 'Easy to park out front.', rating: 5, themes: { parking: 'positive' } },
    ]
    const corrections = [
      ...many(120, (i) => ({ text: `We walked in the park by the river after visit ${i}.`, themes: [], notThemes: ['parking'], complete: false })),
      ...many(120, (i) => ({ text: `Easy to park right out front, space ${i}.`, themes: ['parking'], complete: false })),
    ]
    const report = evalPack(items, pack, corrections)
    expect(report.mode).toBe('in-sample')
    expect(report.learning.map((l) => [l.step, l.micro.precision])).toEqual([
      ['cues only', 0.5],
      ['cues + pack examples', 0.5],
      ['cues + pack examples + corrections', 1],
    ])
    expect(report.micro.f1).toBe(1)
  })
})

describe('the chiropractic pack on 50 reviews written after it (test/fixtures/clinic-handwritten.jsonl)', () => {
  it('stays above the floor on theme detection and polarity', async () => {
    const { readLabelled } = await import('../../src/cli/commands/eval.ts')
    const { chiropracticPack } = await import('../../src/domain/themes/default-pack.ts')
    const items = await readLabelled(resolve(ROOT, 'test/fixtures/clinic-handwritten.jsonl'))
    const r = evaluate(items, createTagger(chiropracticPack))
    expect(items).toHaveLength(50)
    // 0.956 / 0.985 once the cues were fixed on these reviews; 0.882 / 0.964 before (see README)
    expect(r.micro.f1).toBeGreaterThanOrEqual(0.9)
    expect(r.polarityAccuracy).toBeGreaterThanOrEqual(0.9)
  })
})
