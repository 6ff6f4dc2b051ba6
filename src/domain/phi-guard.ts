import { NUMBER_WORDS, valenceOf } from './themes/lexicon.ts'
import { NUMBER, SENTENCE_END, WORD, tokenize, type Token } from './themes/text.ts'

// The PHI guard: a practice's public reply must not confirm that the reviewer is a patient nor add
// a health detail (HIPAA; practices have paid settlements for "sorry your adjustment hurt"). The
// guard is deliberately conservative: a false alarm costs the owner a rewrite or an audited
// override, a miss costs a disclosure. It reads the reply with the theme tagger's tokenizer (one
// notion of a word, with offsets), so every reason points at the words that caused it.

export type PhiReasonCode =
  | 'second-person-care' // "your visit", "your treatment", "your back"
  | 'care-relationship' // "as your chiropractor", "our patient", "see you", "glad we could help"
  | 'health-detail' // conditions, body parts, procedures
  | 'reviewer-name'
  | 'date-or-time' // "last Tuesday", "on March 3", "this morning"
  | 'copied-from-review' // >= 5 consecutive words of the review

export interface PhiReason {
  code: PhiReasonCode
  message: string
  /** [start, end) into the reply */
  span: [number, number]
}

export interface PhiCheckContext {
  reviewText: string
  reviewerName?: string | null
  /** the review's stars, when known; chooses the tone of the suggested rewrite */
  rating?: number | null
  /** how the suggestion tells the reviewer to get in touch, e.g. "at (415) 555-0100" */
  officeContact?: string
  /**
   * Accepted for the caller's convenience; no rule depends on it today: every date or time of day
   * is refused whatever the zone, because any of them can tie the reviewer to a visit.
   */
  practiceTimeZone?: string
}

export interface PhiCheck {
  safe: boolean
  reasons: PhiReason[]
  /** the reply itself when safe, otherwise a neutral rewrite that passes the guard */
  suggestion: string
}

/** Shortest run of the review's words, in order, that counts as copying it into the reply. */
export const COPY_RUN_WORDS = 5

/** Words that, after "your", name care or its paperwork ("your visit", "your treatment plan"). */
const CARE_NOUNS = new Set([
  'visit', 'visits', 'appointment', 'appointments', 'appt', 'treatment', 'treatments', 'adjustment', 'adjustments',
  'session', 'sessions', 'exam', 'exams', 'examination', 'care', 'therapy', 'therapies', 'plan', 'follow',
  'x', 'xray', 'xrays', 'scan', 'scans', 'mri', 'results', 'diagnosis', 'recovery', 'progress', 'condition',
  'health', 'healing', 'symptoms', 'symptom', 'insurance', 'claim', 'claims', 'copay', 'bill', 'invoice', 'records',
  'chart', 'intake', 'consultation', 'checkup', 'check', 'posture', 'alignment', 'exercises', 'stretches',
  'massage', 'rehab', 'injury', 'pain', 'body', 'joints', 'joint', 'muscles', 'muscle', 'doctor', 'chiropractor',
  'provider', 'therapist', 'physician', 'referral', 'prescription', 'medication', 'pregnancy', 'baby',
])

/** Conditions, procedures and unambiguous body parts: a health detail wherever they appear. */
const HEALTH_WORDS = new Set([
  'sciatica', 'herniated', 'herniation', 'disc', 'discs', 'disk', 'migraine', 'migraines', 'headache', 'headaches',
  'whiplash', 'scoliosis', 'arthritis', 'pain', 'pains', 'painful', 'ache', 'aches', 'aching', 'injury', 'injuries',
  'injured', 'sprain', 'sprained', 'strain', 'spasm', 'spasms', 'stiffness', 'numbness', 'tingling', 'sore',
  'soreness', 'inflammation', 'nerve', 'nerves', 'vertigo', 'tmj', 'fasciitis', 'tendonitis', 'tendinitis', 'carpal',
  'bulging', 'pregnant', 'pregnancy', 'concussion', 'fracture', 'surgery', 'diagnosis', 'diagnosed', 'symptoms',
  'neuropathy', 'degenerative', 'osteoporosis', 'fibromyalgia', 'subluxation', 'misalignment',
  'neck', 'necks', 'shoulder', 'shoulders', 'spine', 'spinal', 'hip', 'hips', 'knee', 'knees', 'ankle', 'ankles',
  'wrist', 'wrists', 'elbow', 'elbows', 'jaw', 'pelvis', 'pelvic', 'lumbar', 'cervical', 'thoracic', 'vertebra',
  'vertebrae', 'sacrum', 'sacroiliac', 'tailbone', 'ribs', 'hamstring', 'glutes', 'sciatic',
  'adjustment', 'adjustments', 'adjusted', 'adjusting', 'xray', 'xrays', 'mri', 'icing', 'decompression',
  'manipulation', 'traction', 'acupuncture', 'needles', 'needling', 'rehab',
  // symptoms and outcomes a reply might wish on the reviewer
  'tightness', 'tension', 'stiff', 'numb', 'swelling', 'mobility', 'flexibility', 'recover', 'recovering', 'recovered',
  'recovery', 'sleep', 'sleeping', 'insomnia',
  // care that names a life event: prenatal care, a personal-injury case
  'baby', 'prenatal', 'postpartum', 'accident', 'accidents',
])

/** Body parts that are also everyday words ("get back to", "on hand"): a health detail only in context. */
const AMBIGUOUS_BODY_PARTS = new Set(['back', 'head', 'arm', 'arms', 'leg', 'legs', 'foot', 'feet', 'hand', 'hands', 'chest', 'side'])
const BODY_PART_BEFORE = new Set(['your', 'my', 'his', 'her', 'their', 'the', 'that', 'lower', 'upper', 'mid', 'sore', 'bad', 'stiff', 'tight', 'injured', 'left', 'right'])
const BODY_PART_AFTER = new Set(['pain', 'pains', 'ache', 'aches', 'problem', 'problems', 'issue', 'issues', 'injury', 'spasm', 'spasms', 'feels', 'feel', 'is', 'was'])
/** "the back office", "the side door": the word after tells a place from a body part. */
const NOT_BODY_AFTER = new Set(['office', 'door', 'entrance', 'room', 'desk', 'of', 'to', 'in'])

const CARE_ROLES = new Set(['chiropractor', 'chiro', 'doctor', 'dr', 'provider', 'therapist', 'physician', 'practitioner', 'clinician', 'dentist', 'nurse', 'physio', 'physiotherapist'])
const PATIENT_BEFORE = new Set(['our', 'a', 'as', 'new', 'returning', 'fellow', 'valued', 'this', 'my'])
/** Verbs of care whose object "you" makes the reviewer a patient: "treating you", "see you". */
const CARE_VERBS_WITH_YOU = new Set([
  'see', 'seeing', 'saw', 'seen', 'treat', 'treating', 'treated', 'adjust', 'adjusting', 'examine', 'examined',
  'examining', 'gave', 'give', 'prescribed', 'helping', 'helped', 'heal', 'healing', 'welcoming', 'having', 'had',
  'reschedule', 'rescheduled', 'book', 'booked', 'fit',
])
/** "your mobility has really improved": an outcome said of the reviewer's body or condition. */
const OUTCOME_WORDS = new Set(['improving', 'improved', 'improve', 'easing', 'eased', 'healing', 'healed', 'better', 'gone', 'recovering', 'hurting', 'hurt', 'hurts'])
const RECOVERY_WORDS = new Set(['better', 'well', 'recovery', 'recovering', 'improving', 'improved', 'healing', 'healed'])
const FEEL_WORDS = new Set(['feel', 'feels', 'feeling', 'felt', 'get', 'getting', 'speedy', 'continued', 'full'])
const VISIT_VERBS = new Set(['visiting', 'visited', 'coming', 'came', 'come'])

const WEEKDAYS = new Set([
  'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday',
  'mon', 'tue', 'tues', 'wed', 'thu', 'thur', 'thurs', 'fri', 'sat', 'sun',
])
const MONTHS = new Set([
  'january', 'february', 'april', 'june', 'july', 'september', 'october', 'november', 'december',
  'jan', 'feb', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
])
/** Month names that are also common words ("may", "march"): a date only beside a number. */
const AMBIGUOUS_MONTHS = new Set(['may', 'march', 'august'])
const DAY_PARTS = new Set(['morning', 'afternoon', 'evening', 'night', 'week', 'weekend', 'month', 'year', 'time', 'visit', 'appointment', 'session'])
const RELATIVE_DAY_WORDS = new Set(['yesterday', 'tonight', 'tomorrow', 'ago'])
const TIME_UNITS = new Set(['day', 'days', 'week', 'weeks', 'month', 'months', 'year', 'years', 'hour', 'hours'])
const DURATION_BEFORE = new Set(['past', 'last', 'for', 'after', 'over', 'within', 'those', 'these', 'first', 'few'])
const TIME_REGEXES = [
  /\b\d{1,2}\/\d{1,2}(?:\/\d{2,4})?\b/g, // 3/12, 3/12/2026
  /\b\d{1,2}(?::\d{2})?\s?(?:am|pm|a\.m\.|p\.m\.)/gi, // 10am, 9:30 pm
  /\b\d{1,2}:\d{2}\b/g, // 10:30
  /\b(?:19|20)\d{2}\b(?!\)?\s?\d)/g, // a year, not a part of a phone number
]

/** Parts of a display name that are no one's name. */
const NOT_NAMES = new Set(['a', 'google', 'user', 'anonymous', 'dr', 'mr', 'mrs', 'ms', 'miss', 'jr', 'sr', 'the'])

const NEGATIVE_SUGGESTION = (contact: string): string =>
  `Thank you for taking the time to share your feedback. We value every comment; please contact our office directly ${contact} so we can discuss any concerns.`
const POSITIVE_SUGGESTION = 'Thank you for taking the time to share your feedback. We appreciate your kind words and will share them with our team.'

/** Checks a reply before it may be posted; pure, so the API, a worker and a test see the same verdict. */
export function checkReply(reply: string, context: PhiCheckContext): PhiCheck {
  const words = tokenize(reply).filter((t) => t.kind === WORD || t.kind === NUMBER || t.kind === SENTENCE_END)
  const reasons: PhiReason[] = [
    ...secondPersonCare(words),
    ...careRelationship(words),
    ...healthDetails(words),
    ...reviewerName(reply, words, context.reviewerName),
    ...datesAndTimes(reply, words),
    ...copiedFromReview(reply, context.reviewText),
  ]
  const unique = dedupe(reasons)
  return {
    safe: unique.length === 0,
    reasons: unique,
    suggestion: unique.length === 0 ? reply : neutralRewrite(context),
  }
}

/** The rewrite offered for a blocked reply: a thank-you, and for a complaint an invitation to call. */
export function neutralRewrite(context: Pick<PhiCheckContext, 'reviewText' | 'rating' | 'officeContact'>): string {
  const contact = context.officeContact?.trim() || 'by phone'
  return isNegative(context) ? NEGATIVE_SUGGESTION(contact) : POSITIVE_SUGGESTION
}

function isNegative(context: Pick<PhiCheckContext, 'reviewText' | 'rating'>): boolean {
  if (context.rating != null) return context.rating <= 3
  const valence = tokenize(context.reviewText).filter((t) => t.kind === WORD).reduce((sum, t) => sum + valenceOf(t.norm, t.stem), 0)
  return valence < 0
}

function reason(code: PhiReasonCode, from: Token, to: Token, reply: string | null, what: string): PhiReason {
  const quoted = reply === null ? what : `"${reply.slice(from.start, to.end)}" ${what}`
  return { code, message: quoted, span: [from.start, to.end] }
}

// A rule sees the words of the reply and sentence ends; a phrase never runs across a sentence end.
function isWord(t: Token | undefined): t is Token {
  return t !== undefined && t.kind !== SENTENCE_END
}

function secondPersonCare(words: Token[]): PhiReason[] {
  const found: PhiReason[] = []
  for (let i = 0; i < words.length; i++) {
    if (words[i]!.norm !== 'your') continue
    // "your next adjustment", "your lower back": the care word may sit up to three words on;
    // "your mobility has really improved": an outcome up to four.
    for (let j = i + 1; j <= i + 4 && isWord(words[j]); j++) {
      const w = words[j]!
      const careWord = j <= i + 3 && (CARE_NOUNS.has(w.norm) || HEALTH_WORDS.has(w.norm) || AMBIGUOUS_BODY_PARTS.has(w.norm))
      if (careWord || (j >= i + 2 && OUTCOME_WORDS.has(w.norm))) {
        found.push({ code: 'second-person-care', message: `"your … ${w.norm}" confirms the reviewer received care`, span: [words[i]!.start, w.end] })
        break
      }
    }
  }
  return found
}

function careRelationship(words: Token[]): PhiReason[] {
  const found: PhiReason[] = []
  const at = (k: number): string => (isWord(words[k]) ? words[k]!.norm : '')
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!
    if (!isWord(w)) continue
    if (w.norm === 'as' && at(i + 1) === 'your' && CARE_ROLES.has(at(i + 2))) {
      found.push(reason('care-relationship', w, words[i + 2]!, null, `"as your ${at(i + 2)}" confirms a care relationship`))
    }
    if (w.norm === 'patient' && (PATIENT_BEFORE.has(at(i - 1)) || at(i + 1) === 'like')) {
      found.push(reason('care-relationship', w, w, null, '"patient" calls the reviewer a patient'))
    }
    if (w.norm === 'you' && CARE_VERBS_WITH_YOU.has(at(i - 1))) {
      found.push(reason('care-relationship', words[i - 1]!, w, null, `"${at(i - 1)} you" implies the reviewer was seen or treated`))
    }
    if (w.norm === 'we' && at(i + 1) === 'could' && at(i + 2) === 'help') {
      found.push(reason('care-relationship', w, words[i + 2]!, null, '"we could help" implies the practice treated the reviewer'))
    }
    if (w.norm === 'were' && at(i - 1) === 'we' && at(i + 1) === 'able' && at(i + 2) === 'to' && at(i + 3) === 'help') {
      found.push(reason('care-relationship', words[i - 1]!, words[i + 3]!, null, '"we were able to help" implies the practice treated the reviewer'))
    }
    if (RECOVERY_WORDS.has(w.norm) && FEEL_WORDS.has(at(i - 1))) {
      found.push(reason('care-relationship', words[i - 1]!, w, null, `"${at(i - 1)} ${w.norm}" implies a health condition`))
    }
    if (VISIT_VERBS.has(w.norm) && (at(i + 1) === 'in' || at(i + 1) === 'us' || at(i - 1) === 'you' || at(i - 1) === 'for')) {
      found.push(reason('care-relationship', w, w, null, `"${w.norm}" confirms the reviewer visited the practice`))
    }
    if (w.norm === 'with' && at(i + 1) === 'us' && (at(i - 1) === 'time' || at(i - 1) === 'been' || at(i - 1) === 'stay')) {
      found.push(reason('care-relationship', words[i - 1]!, words[i + 1]!, null, `"${at(i - 1)} with us" confirms the reviewer was seen by the practice`))
    }
    if (w.norm === 'welcome' && at(i + 1) === 'back') {
      found.push(reason('care-relationship', w, words[i + 1]!, null, '"welcome back" confirms the reviewer visited before'))
    }
  }
  return found
}

function healthDetails(words: Token[]): PhiReason[] {
  const found: PhiReason[] = []
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!
    if (!isWord(w)) continue
    const before = isWord(words[i - 1]) ? words[i - 1]!.norm : ''
    const after = isWord(words[i + 1]) ? words[i + 1]!.norm : ''
    // "X-rays" is tokenized as "x", "rays".
    const xray = w.norm === 'x' && (after === 'ray' || after === 'rays')
    if (HEALTH_WORDS.has(w.norm) || xray) {
      found.push(reason('health-detail', w, xray ? words[i + 1]! : w, null, `"${xray ? 'x-ray' : w.norm}" is a health detail`))
    } else if (AMBIGUOUS_BODY_PARTS.has(w.norm) && !NOT_BODY_AFTER.has(after) && (BODY_PART_BEFORE.has(before) || BODY_PART_AFTER.has(after))) {
      found.push(reason('health-detail', w, w, null, `"${w.norm}" names a body part`))
    }
  }
  return found
}

function nameParts(reviewerName: string | null | undefined): string[] {
  if (!reviewerName) return []
  return tokenize(reviewerName).filter((t) => t.kind === WORD && t.norm.length >= 2 && !NOT_NAMES.has(t.norm)).map((t) => t.norm)
}

function reviewerName(reply: string, words: Token[], name: string | null | undefined): PhiReason[] {
  const parts = nameParts(name)
  if (parts.length === 0) return []
  const found: PhiReason[] = []
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!
    if (!isWord(w) || w.kind !== WORD) continue
    if (parts.includes(w.norm)) {
      found.push(reason('reviewer-name', w, w, null, `"${reply.slice(w.start, w.end)}" is the reviewer's name`))
      continue
    }
    // A short form ("Jen" for Jennifer) counts when written as a name: capitalised, not opening a sentence.
    const capitalised = /^[A-Z]/.test(reply.slice(w.start, w.end))
    const opensSentence = i === 0 || words[i - 1]!.kind === SENTENCE_END
    if (capitalised && !opensSentence && w.norm.length >= 3 && parts.some((p) => p.length > w.norm.length && p.startsWith(w.norm))) {
      found.push(reason('reviewer-name', w, w, null, `"${reply.slice(w.start, w.end)}" is a short form of the reviewer's name`))
    }
  }
  return found
}

function isNumberLike(t: Token | undefined): boolean {
  return isWord(t) && (t.kind === NUMBER || NUMBER_WORDS.has(t.norm) || t.norm === 'a' || t.norm === 'few' || t.norm === 'couple')
}

const RANGE_WORDS = new Set(['to', 'through', 'thru', 'and', 'until', 'till'])
const HOURS_WORDS = new Set(['open', 'opened', 'closed', 'every', 'hours', 'weekdays', 'from'])

/** "open Monday to Saturday": the practice's days, not the day of someone's visit. */
function isOpeningHours(words: Token[], i: number): boolean {
  const at = (k: number): string => (isWord(words[k]) ? words[k]!.norm : '')
  const weekdayAt = (k: number): boolean => WEEKDAYS.has(at(k))
  return HOURS_WORDS.has(at(i - 1)) || (RANGE_WORDS.has(at(i + 1)) && weekdayAt(i + 2)) || (RANGE_WORDS.has(at(i - 1)) && weekdayAt(i - 2))
}

function datesAndTimes(reply: string, words: Token[]): PhiReason[] {
  const found: PhiReason[] = []
  const at = (k: number): string => (isWord(words[k]) ? words[k]!.norm : '')
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!
    if (!isWord(w)) continue
    const nearNumber = words[i + 1]?.kind === NUMBER || words[i - 1]?.kind === NUMBER
    if (WEEKDAYS.has(w.norm) && w.norm.length > 3 && !isOpeningHours(words, i) || MONTHS.has(w.norm) && (w.norm.length > 3 || nearNumber) || AMBIGUOUS_MONTHS.has(w.norm) && nearNumber) {
      found.push(reason('date-or-time', w, w, reply, 'is a date'))
    } else if (RELATIVE_DAY_WORDS.has(w.norm)) {
      found.push(reason('date-or-time', w, w, reply, 'dates a visit'))
    } else if ((w.norm === 'this' || w.norm === 'last' || w.norm === 'next' || w.norm === 'earlier') && DAY_PARTS.has(at(i + 1))) {
      found.push(reason('date-or-time', w, words[i + 1]!, reply, 'dates a visit'))
    } else if (TIME_UNITS.has(w.norm) && isNumberLike(words[i - 1]) && (DURATION_BEFORE.has(at(i - 2)) || at(i + 1) === 'ago')) {
      // "over the past six months", "for 3 weeks", "two weeks ago": when or how long the reviewer
      // was seen; "20 years of experience" is about the practice and passes.
      found.push(reason('date-or-time', words[i - 1]!, w, reply, 'tells when or how long the reviewer was seen'))
    }
  }
  for (const re of TIME_REGEXES) {
    for (const m of reply.matchAll(re)) {
      found.push({ code: 'date-or-time', message: `"${m[0]}" is a date or time`, span: [m.index, m.index + m[0].length] })
    }
  }
  return found
}

/** Lower-cased words with offsets, punctuation and case ignored, so a copy survives re-punctuation. */
function plainWords(text: string): Token[] {
  return tokenize(text).filter((t) => t.kind === WORD || t.kind === NUMBER)
}

function copiedFromReview(reply: string, reviewText: string): PhiReason[] {
  const review = plainWords(reviewText).map((t) => t.norm)
  if (review.length < COPY_RUN_WORDS) return []
  const runs = new Set<string>()
  for (let i = 0; i + COPY_RUN_WORDS <= review.length; i++) runs.add(review.slice(i, i + COPY_RUN_WORDS).join(' '))
  const words = plainWords(reply)
  const found: PhiReason[] = []
  let open: [number, number] | null = null
  for (let i = 0; i + COPY_RUN_WORDS <= words.length; i++) {
    if (!runs.has(words.slice(i, i + COPY_RUN_WORDS).map((t) => t.norm).join(' '))) continue
    const span: [number, number] = [words[i]!.start, words[i + COPY_RUN_WORDS - 1]!.end]
    // Overlapping windows of one copied passage make one reason.
    if (open !== null && span[0] <= open[1]) open[1] = span[1]
    else {
      if (open !== null) found.push(copyReason(reply, open))
      open = span
    }
  }
  if (open !== null) found.push(copyReason(reply, open))
  return found
}

function copyReason(reply: string, span: [number, number]): PhiReason {
  return { code: 'copied-from-review', message: `"${reply.slice(span[0], span[1])}" repeats the review's words`, span }
}

function dedupe(reasons: PhiReason[]): PhiReason[] {
  const seen = new Set<string>()
  return reasons
    .sort((a, b) => a.span[0] - b.span[0] || a.span[1] - b.span[1])
    .filter((r) => {
      const key = `${r.code}:${r.span[0]}:${r.span[1]}`
      if (seen.has(key)) return false
      seen.add(key)
      return true
    })
}
