import { describe, expect, it } from 'vitest'
import { chiropracticPack } from '../../src/domain/themes/default-pack.ts'
import { expandCue } from '../../src/domain/themes/cues.ts'
import type { ThemePack } from '../../src/domain/themes/pack.ts'
import { createTagger } from '../../src/domain/themes/tagger.ts'

const tag = createTagger(chiropracticPack)

function evidence(text: string, theme: string): string[] {
  return tag(text).mentions.filter((m) => m.theme === theme).map((m) => text.slice(m.start, m.end))
}

describe('default chiropractic pack', () => {
  it('has the twelve themes of the design, with unique ids', () => {
    expect(chiropracticPack.themes.map((t) => t.id)).toEqual([
      'never-rushed', 'posture', 'root-cause', 'connected-care', 'clear-explanation', 'pain-relief',
      'home-care', 'gentle', 'wait-time', 'staff', 'booking', 'cost',
    ])
  })

  it('compiles every cue', () => {
    expect(() => createTagger(chiropracticPack)).not.toThrow()
  })
})

describe('negation', () => {
  it('reads "I never felt rushed" as praise for never-rushed', () => {
    expect(tag('I never felt rushed here.', 5).themes).toEqual({ 'never-rushed': 'positive' })
  })

  it('reads "She didn\'t explain anything" as a complaint about clear-explanation', () => {
    expect(tag("She didn't explain anything.", 2).themes['clear-explanation']).toBe('negative')
  })

  it('reads "explained everything" as praise for clear-explanation', () => {
    expect(tag('She explained everything in plain English.').themes['clear-explanation']).toBe('positive')
  })

  it('reads "not once did I feel like a number" as praise', () => {
    expect(tag('Not once did I feel like a number.').themes['never-rushed']).toBe('positive')
  })

  it('reads "my pain is no better" as a negative outcome', () => {
    expect(tag('Three months in and my upper back pain is no better.').themes['pain-relief']).toBe('negative')
  })

  it('reads "not gentle at all" as negative, even after a compliment', () => {
    expect(tag("She's clearly skilled but not gentle at all.").themes.gentle).toBe('negative')
  })

  it('reads "I wish she had explained more" as a complaint', () => {
    expect(tag('I wish she had explained more about the plan.').themes['clear-explanation']).toBe('negative')
  })

  it('reads criticism of other providers as praise for this one', () => {
    expect(tag('Most places just worked on my shoulder.').themes['connected-care']).toBe('positive')
  })

  it('does not let a negation reach past "and": "didn\'t have to wait and the staff were lovely"', () => {
    expect(tag("I didn't have to wait and the staff were lovely.").themes).toEqual({
      'wait-time': 'positive',
      staff: 'positive',
    })
  })
})

describe('look-alikes and mere mentions', () => {
  it('finds no never-rushed in "I rushed to my appointment"', () => {
    expect(tag('I rushed to my appointment from work.', 5).themes['never-rushed']).toBeUndefined()
  })

  it('finds no never-rushed in "rushed over after work"', () => {
    expect(tag('I rushed over after work and she was great.', 5).themes['never-rushed']).toBeUndefined()
  })

  it('does not tag "came in for neck pain" as pain relief', () => {
    expect(tag("Came in for neck pain on a friend's recommendation. Dr. Park is lovely.", 5).themes).toEqual({})
  })

  it('tags generic praise with no theme', () => {
    expect(tag('Great place, highly recommend!', 5)).toEqual({ themes: {}, mentions: [] })
  })

  it('does not read "reason" as the cost word "reasonable"', () => {
    expect(tag('She looked for the reason behind it.').themes.cost).toBeUndefined()
  })

  it('does not count "I can\'t wait to go back" as waiting', () => {
    expect(tag("I can't wait to go back.", 5).themes['wait-time']).toBeUndefined()
  })
})

describe('contrast and mixed stances', () => {
  it('splits "lovely staff but I waited 45 minutes" into staff positive and wait-time negative', () => {
    expect(tag('Lovely staff but I waited 45 minutes.', 3).themes).toEqual({
      staff: 'positive',
      'wait-time': 'negative',
    })
  })

  it('calls a theme mixed when it is praised in one clause and criticised in another', () => {
    const r = tag("My neck is a little better, but the headaches haven't changed at all.", 3)
    expect(r.themes['pain-relief']).toBe('mixed')
    expect(r.mentions.filter((m) => m.theme === 'pain-relief').map((m) => m.polarity)).toEqual([
      'positive',
      'negative',
    ])
  })

  it('calls "steep, but worth it" mixed for cost', () => {
    expect(tag("The pricing is a little steep, but it's worth it to me.", 4).themes.cost).toBe('mixed')
  })

  it('keeps a shrugged-off wait negative: "waited 15 minutes but honestly worth it"', () => {
    expect(tag('Had to wait about 15 minutes in the lobby but honestly worth it.', 4).themes).toEqual({
      'wait-time': 'negative',
    })
  })
})

describe('star rating as a weak prior', () => {
  it('takes the stance of a clause with no sentiment words from the rating', () => {
    expect(tag('You just pay per visit.', 5).themes.cost).toBe('positive')
    expect(tag('You just pay per visit.', 1).themes.cost).toBe('negative')
  })

  it('lets the words win over the rating', () => {
    expect(tag('The front desk was rude.', 5).themes.staff).toBe('negative')
    expect(tag('I never felt rushed.', 1).themes['never-rushed']).toBe('positive')
  })

  it('does not let a rating-only stance make a theme mixed', () => {
    const r = tag('Staff were rude. The staff handle the insurance.', 5)
    expect(r.themes.staff).toBe('negative')
  })
})

describe('evidence', () => {
  it('gives offsets that slice the clause holding the cue', () => {
    const text = 'Lovely staff but I waited 45 minutes.'
    const r = tag(text, 3)
    const wait = r.mentions.find((m) => m.theme === 'wait-time')!
    expect(text.slice(wait.start, wait.end)).toBe('I waited 45 minutes.')
    const staff = r.mentions.find((m) => m.theme === 'staff')!
    expect(text.slice(staff.start, staff.end)).toBe('Lovely staff')
  })

  it('gives the sentence for a cue in a one-clause sentence', () => {
    expect(evidence('Great visit. I never felt rushed here. Parking was easy.', 'never-rushed')).toEqual([
      'I never felt rushed here.',
    ])
  })

  it('sorts mentions by start and keeps scores between 0 and 1', () => {
    const text = 'The front desk is friendly, appointments run on time. She took her time and explained everything. My neck is better.'
    const r = tag(text, 5)
    const starts = r.mentions.map((m) => m.start)
    expect(starts).toEqual([...starts].sort((a, b) => a - b))
    for (const m of r.mentions) {
      expect(m.score).toBeGreaterThan(0)
      expect(m.score).toBeLessThanOrEqual(1)
      expect(m.start).toBeLessThan(m.end)
    }
    expect(Object.keys(r.themes).sort()).toEqual(
      ['clear-explanation', 'never-rushed', 'pain-relief', 'staff', 'wait-time'],
    )
  })

  it('keeps "Dr." from ending a sentence', () => {
    expect(evidence('Dr. Park never rushed me.', 'never-rushed')).toEqual(['Dr. Park never rushed me.'])
  })
})

describe("Google's translation wrapper", () => {
  const text =
    '(Translated by Google) Excellent doctor. She took the time to explain the problem with my neck and gave me exercises to do at home. My pain improved a lot in a few weeks.\n\n(Original)\n' +
    'Excelente doctora. Se tomó el tiempo para explicarme el problema de mi cuello y me dio ejercicios para hacer en casa. Mi dolor mejoró mucho en pocas semanas.'

  it('analyses the English part only, with offsets into the full text', () => {
    const r = tag(text, 5)
    const englishStart = text.indexOf('(Translated by Google)') + '(Translated by Google)'.length
    const englishEnd = text.indexOf('(Original)')
    expect(r.mentions.length).toBeGreaterThan(0)
    for (const m of r.mentions) {
      expect(m.start).toBeGreaterThanOrEqual(englishStart)
      expect(m.end).toBeLessThanOrEqual(englishEnd)
    }
    expect(r.themes).toEqual({
      'never-rushed': 'positive',
      'clear-explanation': 'positive',
      'home-care': 'positive',
      'pain-relief': 'positive',
    })
    const pain = r.mentions.find((m) => m.theme === 'pain-relief')!
    expect(text.slice(pain.start, pain.end)).toBe('My pain improved a lot in a few weeks.')
  })

  it('counts each opinion once, not once per language', () => {
    const r = tag(text, 5)
    expect(r.mentions.filter((m) => m.theme === 'pain-relief')).toHaveLength(1)
  })
})

describe('a custom pack', () => {
  const pack: ThemePack = {
    id: 'test',
    version: 1,
    label: 'test',
    themes: [
      {
        id: 'parking',
        label: 'Parking',
        description: 'Parking',
        cues: ['parking', '(park|parked) (nearby|outside|on the street)'],
        antiCues: ['dr park'],
        negativeCues: ['(circled|circling) .. # minutes'],
        positiveCues: ['=validated'],
      },
    ],
  }
  const t = createTagger(pack)

  it('matches alternatives, stems, numbers, gaps and exact forms', () => {
    expect(t('Parking is easy.').themes).toEqual({ parking: 'positive' })
    expect(t('I circled the block for 20 minutes.').themes).toEqual({ parking: 'negative' })
    expect(t('They validated my ticket.').themes).toEqual({ parking: 'positive' })
    expect(t('They validate nothing.').themes).toEqual({})
  })

  it('ignores a cue inside an anti-cue', () => {
    expect(t('Dr. Park is lovely.', 5).themes).toEqual({})
  })

  it('rejects a cue that starts with a gap', () => {
    expect(() => expandCue('.. parking')).toThrow()
  })

  it('expands optional groups', () => {
    expect(expandCue('(very )?gentle')).toHaveLength(2)
  })
})

describe('purity', () => {
  it('returns the same result for the same input', () => {
    const text = 'She took her time, but the front desk lost my insurance card twice.'
    expect(tag(text, 3)).toEqual(tag(text, 3))
  })

  it('handles empty and punctuation-only text', () => {
    expect(tag('')).toEqual({ themes: {}, mentions: [] })
    expect(tag('!!! ...')).toEqual({ themes: {}, mentions: [] })
  })
})
