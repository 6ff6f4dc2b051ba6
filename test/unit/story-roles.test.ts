import { describe, expect, it } from 'vitest'
import { chiropracticPack } from '../../src/domain/themes/default-pack.ts'
import { sentenceRoles } from '../../src/domain/themes/story.ts'
import { createTagger } from '../../src/domain/themes/tagger.ts'
import { analyse } from '../../src/domain/themes/text.ts'

// Hard cases for issue 14, written for this file (not taken from any evaluation set): the story a
// patient tells decides which sentences speak about this clinic's care. Each case also checks the
// good path next to it, so a tagger that simply tags nothing fails.

const tag = createTagger(chiropracticPack)
const complaints = (text: string, rating?: number): string[] =>
  Object.entries(tag(text, rating).themes).filter(([, p]) => p === 'negative' || p === 'mixed').map(([t]) => t).sort()

function rolesOf(text: string): string[] {
  const { tokens, segments } = analyse(text)
  return sentenceRoles(tokens, segments)
}

describe('story roles of sentences', () => {
  it('tells the presenting problem from the care and the outcome', () => {
    expect(rolesOf('I came in with terrible neck pain. She adjusted my upper back gently. Now I can turn my head again.'))
      .toEqual(['presenting', 'care', 'outcome'])
  })

  it('tells other providers, other reviews and hypotheticals apart from this clinic', () => {
    expect(rolesOf('My last chiropractor never explained anything. I read the negative reviews before coming. If I had found her sooner I would have saved a lot. She explained everything.'))
      .toEqual(['other-provider', 'other-reviews', 'hypothetical', 'care'])
  })
})

describe('the presenting problem is not a complaint', () => {
  it('does not read why the patient came as a complaint', () => {
    const text = 'I came to her office with such bad low back pain I could not sit at my desk. After three visits I was back at work.'
    expect(complaints(text, 5)).toEqual([])
    expect(tag(text, 5).themes['pain-relief']).toBe('positive')
  })

  it('does not read a history of pain before the first visit as a pain-relief complaint', () => {
    expect(complaints('For years I suffered from headaches that nothing helped. Dr. Lee fixed my headaches in a month.', 5)).toEqual([])
    expect(tag('For years I suffered from headaches that nothing helped. Dr. Lee fixed my headaches in a month.', 5).themes['pain-relief']).toBe('positive')
  })

  it('reads "walked in bent over, walked out upright" as pain relief, not a complaint', () => {
    const text = 'I walked in bent over in pain and walked out standing upright.'
    expect(complaints(text, 5)).toEqual([])
  })

  it('still reads pain that did not improve after care as a complaint', () => {
    expect(tag('After six visits my neck pain is no better.', 2).themes['pain-relief']).toBe('negative')
  })
})

describe('other providers', () => {
  it('does not read other chiropractors rushing as a never-rushed complaint', () => {
    expect(complaints('Other chiropractors had me in and out in five minutes. Dr. Kim spends real time with you.', 5)).toEqual([])
    expect(tag('Other chiropractors had me in and out in five minutes. Dr. Kim spends real time with you.', 5).themes['never-rushed']).toBe('positive')
  })

  it('does not read "my last clinic never explained anything" as a complaint about this clinic', () => {
    const text = 'My last clinic never explained anything. Here she showed me exactly what was wrong on the x-ray.'
    expect(complaints(text, 5)).toEqual([])
  })

  it('does not read a previous doctor\'s rough treatment as a gentle complaint', () => {
    const text = 'The previous chiropractor I saw was rough and it hurt. Dr. Ana is very careful and gentle.'
    expect(complaints(text, 5)).toEqual([])
    expect(tag(text, 5).themes['gentle']).toBe('positive')
  })

  it('still reads a complaint about this clinic that follows a mention of another one', () => {
    expect(complaints('I used to see another chiropractor. Here the front desk was rude to me twice.', 2)).toEqual(['staff'])
  })
})

describe('replies to other reviews and hypotheticals', () => {
  it('does not read talk about other reviews as a wait-time complaint', () => {
    const text = 'I read the bad reviews about waiting; I have never waited more than ten minutes.'
    expect(complaints(text, 5)).toEqual([])
    expect(tag(text, 5).themes['wait-time']).toBe('positive')
  })

  it('does not read "some people just like to complain about the price" as a cost complaint', () => {
    expect(complaints('Some people just like to complain about the price. Worth every penny.', 5)).toEqual([])
  })

  it('does not read "if I had found him sooner" as a complaint', () => {
    expect(complaints('If I had found him sooner I would not have suffered so long. Best chiropractor ever.', 5)).toEqual([])
  })

  it('does not read "I wish I had come years ago" as an unmet wish', () => {
    expect(complaints('I wish I had come here years ago, the adjustments are so gentle.', 5)).toEqual([])
    expect(tag('I wish I had come here years ago, the adjustments are so gentle.', 5).themes['gentle']).toBe('positive')
  })

  it('still reads a wish about this clinic\'s care as a complaint', () => {
    expect(tag("I wish she'd explained more about my treatment plan.", 3).themes['clear-explanation']).toBe('negative')
  })
})

describe('place words and personality words', () => {
  it('does not read "office" or "practice" alone as the staff theme', () => {
    expect(tag('Her office is easy to find and the practice feels modern.', 5).themes['staff']).toBeUndefined()
    expect(tag('The front desk staff are lovely.', 5).themes['staff']).toBe('positive')
  })

  it('does not read "a gentle, kind soul" as the gentle treatment theme', () => {
    expect(tag('Dr. Maya is a gentle, kind soul.', 5).themes['gentle']).toBeUndefined()
    expect(tag('Her adjustments are gentle.', 5).themes['gentle']).toBe('positive')
  })

  it('does not read "knowledgeable" alone as clear-explanation, nor "thorough" alone as root-cause', () => {
    const themes = tag('He is very knowledgeable and thorough.', 5).themes
    expect(themes['clear-explanation']).toBeUndefined()
    expect(themes['root-cause']).toBeUndefined()
  })
})

describe('sentiment attaches to its target', () => {
  it('does not let praise of the doctor leak onto the wait in the same clause', () => {
    const themes = tag('The doctor was amazing and caring even with the long wait in the lobby.', 4).themes
    expect(themes['wait-time']).toBe('negative')
  })

  it('does not let a rude receptionist spoil the gentle adjustments in the same sentence', () => {
    const themes = tag('Very gentle adjustments, the receptionist was rude.', 3).themes
    expect(themes['gentle']).toBe('positive')
    expect(themes['staff']).toBe('negative')
  })
})

describe('paraphrases', () => {
  it('reads "turns out it was my feet" and "the x-rays showed why" as root-cause', () => {
    expect(tag('Turns out it was my feet all along.', 5).themes['root-cause']).toBe('positive')
    expect(tag('The x-rays showed why my back kept locking up.', 5).themes['root-cause']).toBe('positive')
  })

  it('reads "the hip pain was coming from my lower back" as connected care', () => {
    expect(tag('She found the hip pain was coming from my lower back.', 5).themes['connected-care']).toBe('positive')
  })

  it('reads "taught me stretches I still do every morning" as home care', () => {
    expect(tag('He taught me stretches I still do every morning.', 5).themes['home-care']).toBe('positive')
  })

  it('reads "fit me in the same afternoon" as booking', () => {
    expect(tag('They fit me in the same afternoon when I called.', 5).themes['booking']).toBe('positive')
  })
})

describe('more of the patient\'s story, written as real reviews run on', () => {
  it('does not read the history before this clinic as a complaint about it', () => {
    expect(complaints('Before I found this clinic I was seeing a chiropractor who rushed every visit.', 5)).toEqual([])
    expect(complaints('I hobbled in with a pinched nerve, barely able to sit in the waiting room chair.', 5)).toEqual([])
    expect(complaints('When I first came in I was in so much pain I cried at the front desk.', 5)).toEqual([])
  })

  it('reads another provider\'s failings in a glowing review as praise of this clinic', () => {
    expect(tag('My previous chiropractor charged a fortune and never explained my x-rays.', 5).themes)
      .toEqual({ 'clear-explanation': 'positive', cost: 'positive' })
  })

  it('does not read people complaining about the wait, or a wish to have come sooner, as complaints', () => {
    expect(complaints('People complain about the wait but it is worth it.', 5)).toEqual([])
    expect(complaints('If I had known how gentle she is I would have come years ago.', 5)).toEqual([])
  })

  it('still reads plain complaints about this clinic\'s care', () => {
    expect(tag('The front desk was rude and I waited an hour.', 1).themes).toEqual({ staff: 'negative', 'wait-time': 'negative' })
    expect(tag('She rushed through the appointment and never explained anything.', 1).themes)
      .toEqual({ 'clear-explanation': 'negative', 'never-rushed': 'negative' })
  })
})
