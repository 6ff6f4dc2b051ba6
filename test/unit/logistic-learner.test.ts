import { describe, expect, it } from 'vitest'
import { compileModel, scoreThemes, trainThemeModels, type TrainingExample } from '../../src/domain/themes/learner.ts'
import { ngramFeaturesOf } from '../../src/domain/themes/logistic.ts'
import { analyse } from '../../src/domain/themes/text.ts'

// The learned half of the tagger is a one-vs-rest logistic regression over stems, stem pairs and
// character n-grams (issue 14); models stored before it (natural's Bayes over stems) still score.

const parking = ['parking was impossible', 'no parking anywhere near', 'the parking lot is tiny', 'parking costs a fortune', 'street parking only']
const music = ['the music was too loud', 'great music playing', 'loud music all night', 'they played jazz music', 'music was lovely']
const examples: TrainingExample[] = Array.from({ length: 40 }, (_, i) => [
  { text: `${parking[i % 5]} on visit ${i}`, themes: ['parking'], complete: true },
  { text: `${music[i % 5]} on visit ${i}`, themes: ['music'], complete: true },
]).flat()

const logOdds = (model: ReturnType<typeof compileModel>, text: string, theme: string) =>
  scoreThemes(model, analyse(text).tokens)[model.themeIds.indexOf(theme)]!

describe('logistic learner', () => {
  it('uses stem pairs and word pieces as features', () => {
    const features = ngramFeaturesOf(analyse('not worth it').tokens)
    expect(features).toContain('not worth')
    expect(features).toContain('~^wor')
    expect(features).toContain('~rth$')
  })

  it('learns a theme from examples and reads an unseen word form through its pieces', () => {
    const model = compileModel(trainThemeModels(['parking', 'music'], examples))
    expect(model.features).toBe('ngrams/v2')
    expect(logOdds(model, 'Parking is a nightmare.', 'parking')).toBeGreaterThan(model.threshold)
    expect(logOdds(model, 'Parking is a nightmare.', 'music')).toBeLessThan(model.threshold)
    // "musical" was never seen; its character n-grams were
    expect(logOdds(model, 'A musical evening.', 'music')).toBeGreaterThan(logOdds(model, 'A musical evening.', 'parking'))
  })

  it('still scores a model stored before issue 14 (Bayes over stems)', () => {
    const model = compileModel(trainThemeModels(['parking', 'music'], examples, { features: 'stems/v1' }))
    expect(model.features).toBe('stems/v1')
    expect(logOdds(model, 'No parking at all.', 'parking')).toBeGreaterThan(model.threshold)
    expect(logOdds(model, 'No parking at all.', 'music')).toBeLessThan(model.threshold)
  })
})
