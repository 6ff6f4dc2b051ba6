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

function readLabelled(name: string): LabelledReply[] {
  return readFileSync(resolve(import.meta.dirname, '../fixtures', name), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as LabelledReply)
}

/** Precision and recall of "blocked" against the labels, with the mistakes spelled out. */
function score(items: LabelledReply[]): { precision: number; recall: number; mistakes: string[] } {
  let truePositives = 0
  let falsePositives = 0
  let falseNegatives = 0
  const mistakes: string[] = []
  for (const item of items) {
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
  return { precision: truePositives / (truePositives + falsePositives), recall: truePositives / (truePositives + falseNegatives), mistakes }
}

// Written before the guard's vocabulary, and labelled by hand.
const fixture = readLabelled('phi-replies.jsonl')
// Written after the guard's first version, to see it on wording it was not written against;
// its misses then led to the symptom and outcome words, so it is no longer unseen either.
const secondSet = readLabelled('phi-replies-heldout.jsonl')

describe('the PHI guard on the hand-labelled replies', () => {
  it('has at least 60 replies, about half of them unsafe', () => {
    expect(fixture.length).toBeGreaterThanOrEqual(60)
    const unsafe = fixture.filter((r) => r.unsafe).length
    expect(unsafe).toBeGreaterThanOrEqual(30)
    expect(fixture.length - unsafe).toBeGreaterThanOrEqual(30)
  })

  it('blocks unsafe replies with recall >= 0.9 and precision >= 0.85 (printed)', () => {
    const { precision, recall, mistakes } = score(fixture)
    console.log(`PHI guard on ${fixture.length} replies: precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}\n${mistakes.join('\n')}`)
    expect(recall).toBeGreaterThanOrEqual(0.9)
    expect(precision).toBeGreaterThanOrEqual(0.85)
  })

  it('keeps recall >= 0.9 and precision >= 0.85 on the second set written after it (printed)', () => {
    const { precision, recall, mistakes } = score(secondSet)
    console.log(`PHI guard on the second set of ${secondSet.length} replies: precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}\n${mistakes.join('\n')}`)
    expect(recall).toBeGreaterThanOrEqual(0.9)
    expect(precision).toBeGreaterThanOrEqual(0.85)
  })
})

const plainReview = { reviewText: 'The staff were friendly and the office was clean.', reviewerName: 'Maria Lopez' }

describe('the PHI guard on the hard cases', () => {
  it('lets "sorry to hear about your experience" through but blocks "sorry your adjustment hurt"', () => {
    expect(checkReply('We are sorry to hear about your experience.', plainReview).safe).toBe(true)
    const blocked = checkReply('We are sorry your adjustment hurt.', plainReview)
    expect(blocked.safe).toBe(false)
    expect(blocked.reasons.map((r) => r.code)).toContain('second-person-care')
  })

  it('blocks "we hope you feel better" as implying care, and lets "we hope to hear from you" through', () => {
    expect(checkReply('We hope you feel better!', plainReview).reasons.map((r) => r.code)).toContain('care-relationship')
    expect(checkReply('We hope to hear from you.', plainReview).safe).toBe(true)
  })

  it("blocks the reviewer's first name or surname in any case, but not when the reviewer is anonymous", () => {
    const thanks = checkReply('Thanks Maria!', plainReview)
    expect(thanks.reasons).toEqual([expect.objectContaining({ code: 'reviewer-name', span: [7, 12] })])
    expect(checkReply('thank you, ms. lopez', plainReview).reasons.map((r) => r.code)).toEqual(['reviewer-name'])
    expect(checkReply('Thanks Maria!', { ...plainReview, reviewerName: 'Jo K.' }).safe).toBe(true)
    expect(checkReply('Thanks for your Google review!', { ...plainReview, reviewerName: 'A Google User' }).safe).toBe(true)
  })

  it('blocks a run of five words copied from the review, whatever the case and punctuation, and allows four', () => {
    const review = { reviewText: 'The front desk lost my paperwork twice, and nobody called back.', reviewerName: null }
    const copied = checkReply('Sorry that THE FRONT DESK: lost my paperwork!', review)
    expect(copied.reasons).toEqual([expect.objectContaining({ code: 'copied-from-review', span: [11, 44] })])
    expect(checkReply('Our front desk lost track; we are sorry.', review).safe).toBe(true)
  })

  it('blocks dates and times of day but not a phone number or a season greeting', () => {
    for (const reply of ['Sorry about last Tuesday.', 'We were glad to help on March 3.', 'Sorry it was so busy this morning.', 'Sorry about the 10:30 slot.', 'Sorry for the wait on 3/12.']) {
      expect(checkReply(reply, plainReview).reasons.map((r) => r.code), reply).toContain('date-or-time')
    }
    expect(checkReply('Please call our office at (415) 555-0100.', plainReview).safe).toBe(true)
    expect(checkReply('Wishing you a wonderful holiday season!', plainReview).safe).toBe(true)
    expect(checkReply('We may reply by phone, and we march on.', plainReview).safe).toBe(true)
  })

  it('blocks how long the reviewer was seen, but not how long the practice has practised', () => {
    expect(checkReply('It was great working with you over the past six months.', plainReview).reasons.map((r) => r.code)).toContain('date-or-time')
    expect(checkReply('We are glad you enjoyed your time with us.', plainReview).reasons.map((r) => r.code)).toContain('care-relationship')
    expect(checkReply('Our doctors have 20 years of experience.', plainReview).safe).toBe(true)
  })

  it('lets "our patients" in general through but blocks calling the reviewer a patient', () => {
    expect(checkReply('We want every one of our patients to feel heard.', plainReview).safe).toBe(true)
    expect(checkReply('Thank you for being our patient.', plainReview).safe).toBe(false)
    expect(checkReply('Thanks for being patient with us.', plainReview).safe).toBe(true)
  })

  it('tells a body part from the everyday word: "your back" is blocked, "we will get back to you" is not', () => {
    expect(checkReply('We hope your back is fine.', plainReview).safe).toBe(false)
    expect(checkReply('Congrats on the lower back news.', plainReview).reasons.map((r) => r.code)).toContain('health-detail')
    expect(checkReply('We will get back to you soon.', plainReview).safe).toBe(true)
  })

  it('points each reason at the words that caused it', () => {
    const reply = 'As your chiropractor, I am glad we could help with your sciatica.'
    const { reasons } = checkReply(reply, plainReview)
    expect(reasons.map((r) => reply.slice(...r.span))).toEqual(expect.arrayContaining(['As your chiropractor', 'we could help', 'your sciatica', 'sciatica']))
  })

  it('suggests a neutral rewrite that itself passes the guard: an invitation to call for a complaint, thanks for praise', () => {
    const complaint = { reviewText: 'Rude, rushed and unprofessional. Never again.', reviewerName: 'Maria Lopez', officeContact: 'at (415) 555-0100' }
    const praise = { reviewText: 'Wonderful, caring team. Highly recommend!', reviewerName: 'Maria Lopez' }
    const forComplaint = checkReply('Sorry your visit went badly, Maria.', complaint).suggestion
    const forPraise = checkReply('Thanks Maria, see you next week!', praise).suggestion
    expect(forComplaint).toContain('please contact our office directly at (415) 555-0100')
    expect(forPraise).not.toContain('contact our office')
    expect(checkReply(forComplaint, complaint).safe).toBe(true)
    expect(checkReply(forPraise, praise).safe).toBe(true)
    expect(neutralRewrite({ reviewText: 'Great!', rating: 2 })).toContain('contact our office')
  })

  it('returns a safe reply unchanged as its own suggestion', () => {
    const reply = 'Thank you for the kind words!'
    expect(checkReply(reply, plainReview)).toEqual({ safe: true, reasons: [], suggestion: reply })
  })
})
