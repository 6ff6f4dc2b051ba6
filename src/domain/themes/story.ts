import { CONTRAST, OTHER_PROVIDERS, stemOf } from './lexicon.ts'
import * as text from './text.ts'
import type { Segment, Token } from './text.ts'

// Read once: imported bindings can be property reads per access once transpiled, in a per-token loop.
const { CLAUSE_BREAK, PAUSE, SENTENCE_END, WORD } = text
const CONTRAST_WORDS = CONTRAST

// The story a patient tells: why they came (presenting problem), what this clinic did (care),
// how it turned out (outcome), what they think of it (verdict), and the asides that are not about
// this clinic's care (other providers, other people's reviews, what might have been). Only care,
// outcome and verdict about this clinic carry a theme's polarity: "I could not sit at my desk"
// is why the patient came, not a posture complaint.
//
// Roles are read left to right with a small state machine over the tokens: a marker phrase
// switches the role from where it stands, a contrast word or ";" turns back to this clinic's care,
// and a presenting problem runs on into the next sentence while the patient is still telling it.

export type StoryRole = 'care' | 'outcome' | 'verdict' | 'presenting' | 'other-provider' | 'other-reviews' | 'hypothetical'

export const STORY_ROLES: readonly StoryRole[] = [
  'care', 'outcome', 'verdict', 'presenting', 'other-provider', 'other-reviews', 'hypothetical',
]
const CARE = 0
const OUTCOME = 1
const VERDICT = 2
const PRESENTING = 3
const OTHER_PROVIDER = 4
const OTHER_REVIEWS = 5
const HYPOTHETICAL = 6

/** Whether a sentence in this role speaks about this clinic, so its themes carry polarity. */
export function carriesPolarity(role: number): boolean {
  return role <= VERDICT
}
export const ROLE_OTHER_PROVIDER = OTHER_PROVIDER

const set = (...words: string[]): ReadonlySet<string> => new Set(words)

const ARRIVALS = set('came', 'come', 'went', 'walked', 'limped', 'hobbled', 'crawled', 'started', 'first')
/** After an arrival verb, words that say the patient is telling why they came. */
const REASONS = set(
  'with', 'for', 'because', 'due', 'suffering', 'having', 'bent', 'hunched', 'limping', 'barely',
  'unable', 'needing', 'seeking', 'desperate', 'complaining', 'crying', 'hurting',
)
const SUFFERING = set(
  'suffered', 'suffering', 'struggled', 'struggling', 'battled', 'battling', 'plagued', 'endured',
  'enduring', 'tormented',
)
const LIVING_WITH = set('dealing', 'dealt', 'living', 'lived', 'coping', 'coped')
const PAST_INABILITY = set("couldn't", 'couldnt', "wasn't", 'wasnt')
const ACTIVITIES = set(
  'sit', 'sleep', 'walk', 'turn', 'move', 'work', 'stand', 'lift', 'bend', 'drive', 'look', 'get',
  'raise', 'hold', 'function', 'even', 'able',
)
const MISHAPS = set(
  'accident', 'fall', 'injury', 'surgery', 'crash', 'pregnancy', 'baby', 'birth', 'collision',
  'whiplash', 'fender', 'marathon', 'workout', 'move',
)
const SYMPTOMS = set(
  'pain', 'pains', 'ache', 'aches', 'aching', 'headache', 'headaches', 'migraine', 'migraines',
  'sciatica', 'stiff', 'injured', 'injury', 'hurt', 'hurting', 'herniated', 'disc', 'spasms',
  'spasm', 'numbness', 'tingling', 'agony', 'misery', 'excruciating', 'unbearable', 'chronic',
  'killing', 'locked', 'pinched', 'bulging', 'scoliosis', 'vertigo',
)
/** How a patient tells a problem they came with, rather than one the clinic found. */
const SEVERITY = set(
  'so', 'such', 'terrible', 'severe', 'constant', 'chronic', 'years', 'months', 'excruciating',
  'unbearable', 'bad', 'awful', 'killing', 'horrible', 'debilitating', 'agony', 'misery', 'crippling',
)
/** "left" as a side of the body, not as leaving the clinic. */
const SIDE_BEFORE = set('my', 'the', 'on', 'her', 'his', 'your', 'to', 'a')
const BODY_SIDES = set('side', 'shoulder', 'arm', 'hip', 'leg', 'knee', 'foot', 'hand', 'ear', 'eye', 'neck', 'lower', 'upper', 'and')
const PAST_BE = set('was', 'were', 'had', "i'd", "i've", 'been')
const FIRST_PERSON = set('i', 'my', "i'm", "i'd", "i've", 'me')
/** Who a turn in the story is about once the patient stops telling their problem. */
const CLINIC_ACTORS = set(
  'she', 'he', 'they', 'dr', 'doctor', 'doc', 'chiropractor', 'chiro', 'her', 'him', 'them',
  'here', 'this', 'staff', 'team', "she's", "he's", "they're",
)
const TURNS = set('then', 'finally', 'luckily', 'thankfully', 'fortunately', 'until', 'eventually', 'so')
const VISITS = set(
  'visit', 'visits', 'session', 'sessions', 'adjustment', 'adjustments', 'appointment', 'appointments',
  'treatment', 'treatments', 'week', 'weeks', 'month', 'months', 'day', 'days',
)
const OUTCOME_WORDS = set('now', 'anymore', 'again', 'today', 'since', 'within', 'afterwards', 'afterward')
const VERDICT_WORDS = set(
  'recommend', 'recommended', 'recommending', 'stars', 'star', 'thank', 'thanks', 'grateful',
  'best', 'highly', 'definitely', 'trust',
)
/** Words before a provider noun that make it another provider ("my last chiropractor"). */
const OTHER_MARKS = set(
  'other', 'another', 'previous', 'former', 'prior', 'old', 'last', 'past', 'many', 'most',
  'several', 'different', 'regular', 'usual', 'few',
)
const PROVIDERS: ReadonlySet<string> = new Set([
  ...[...OTHER_PROVIDERS].filter((s) => s !== stemOf('people')),
  ...['practice', 'practices', 'orthopedist', 'surgeon', 'gp', 'physician', 'ones', 'dr', 'specialist',
    'specialists', 'acupuncturist', 'osteopath', 'physiotherapist', 'masseuse'].map(stemOf),
])
const REVIEW_WORDS = set('review', 'reviews', 'reviewer', 'reviewers', 'yelp', 'yelpers', 'comments', 'ratings')
const OWN = set('this', 'my', 'our')
const CROWD = set('people', 'some', 'others', 'folks', 'everyone', 'anyone', 'someone', 'somebody')
const CROWD_TALK = set(
  'complain', 'complaining', 'complained', 'complainers', 'whine', 'whining', 'say', 'said', 'says',
  'claim', 'claimed', 'claims', 'wrote', 'write', 'writing', 'mention', 'mentioned',
)
const MODALS = set('would', 'could', 'should', 'might')
const MODAL_PERFECT = set("would've", "could've", "should've", "might've", 'wouldve', 'couldve', 'shouldve')
const WE_I = set('i', 'we')

/** Every word a marker can start with: other words skip the marker checks (the fast path). */
const MARKER_STARTS: ReadonlySet<string> = new Set([
  'if', 'had', 'i', 'we', 'wish', 'wished', 'elsewhere', 'before', 'initially', 'originally', 'could',
  'after', 'and', 'found', 'out', 'left', 'no',
  ...REVIEW_WORDS, ...CROWD, ...OTHER_MARKS, ...ARRIVALS, ...SUFFERING, ...LIVING_WITH, ...PAST_INABILITY,
  ...FIRST_PERSON, ...TURNS, ...OUTCOME_WORDS, ...VERDICT_WORDS,
])

/** A role per token: the role of the sentence part the token stands in. */
export function tokenRoles(tokens: readonly Token[], segments: readonly Segment[]): Uint8Array {
  const roles = new Uint8Array(tokens.length)
  let state = CARE
  let sentence = -1
  let carried = 0
  let first = 0
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!
    const s = segments[t.segment]!.sentence
    if (s !== sentence) {
      sentence = s
      first = i
      // A presenting problem runs on while the patient is still telling it (at most two more
      // sentences, about themselves, before anyone at the clinic appears).
      if (state === PRESENTING && carried < 2 && continuesStory(tokens, i)) carried++
      else {
        state = CARE
        carried = 0
      }
    }
    if (t.kind === CLAUSE_BREAK) {
      roles[i] = state
      state = CARE
      continue
    }
    if (t.kind === PAUSE && (state === HYPOTHETICAL || state === OTHER_REVIEWS)) state = CARE
    if (t.kind === WORD) {
      if (CONTRAST_WORDS.has(t.norm) && i > first) state = CARE
      const marked = MARKER_STARTS.has(t.norm) ? markerAt(tokens, i, first) : -1
      if (marked >= 0 && outranks(marked, state)) state = marked
    }
    roles[i] = state
  }
  return roles
}

/** Which role a marker may replace: asides hold until a turn, an outcome ends a presenting problem. */
function outranks(next: number, current: number): boolean {
  if (next === current) return false
  if (next === HYPOTHETICAL || next === OTHER_REVIEWS) return true
  if (next === OTHER_PROVIDER) return current !== HYPOTHETICAL && current !== OTHER_REVIEWS
  if (next === PRESENTING) return current === CARE || current === VERDICT
  if (next === OUTCOME) return current <= VERDICT || current === PRESENTING
  if (next === CARE) return current === PRESENTING
  return current === CARE || current === OUTCOME // VERDICT
}

/** The role a marker starting at token i switches to, or -1. */
function markerAt(tokens: readonly Token[], i: number, sentenceStart: number): number {
  const w = tokens[i]!.norm
  const next = wordAt(tokens, i + 1)
  const prev = i > sentenceStart ? wordAt(tokens, i - 1) : ''

  // hypotheticals: "if I had found him sooner", "I would have", "wish I'd come years ago"
  if (w === 'if' && (next === 'only' || (WE_I.has(next) && ['had', "hadn't", 'would', 'could', "'d"].includes(wordAt(tokens, i + 2))) ||
    next === "i'd" || next === "we'd")) return HYPOTHETICAL
  if (w === 'had' && i === sentenceStart && WE_I.has(next)) return HYPOTHETICAL
  if (WE_I.has(w) && ((MODALS.has(next) && ['have', "'ve", 'not', 'never'].includes(wordAt(tokens, i + 2))) || MODAL_PERFECT.has(next))) return HYPOTHETICAL
  if ((w === 'wish' || w === 'wished') && (WE_I.has(next) || next === "i'd" || next === "we'd")) return HYPOTHETICAL

  // talk about other reviews: "I read the bad reviews", "some people just like to complain"
  if (REVIEW_WORDS.has(w) && !OWN.has(prev)) return OTHER_REVIEWS
  if (CROWD.has(w) && withinWords(tokens, i + 1, 4, (x) => CROWD_TALK.has(x.norm))) return OTHER_REVIEWS

  // other providers: "my last chiropractor", "other places", "elsewhere"
  if (w === 'elsewhere') return OTHER_PROVIDER
  if (OTHER_MARKS.has(w) && prev !== 'unlike' && prev !== 'than' &&
    (PROVIDERS.has(tokens[i + 1]?.stem ?? '') || (tokens[i + 1]?.kind === WORD && PROVIDERS.has(tokens[i + 2]?.stem ?? '')))) {
    return OTHER_PROVIDER
  }

  // the presenting problem and the history before the first visit
  if (ARRIVALS.has(w) && withinWords(tokens, i + 1, 6, (x, j) => REASONS.has(x.norm) && !(x.norm === 'for' && forAVisit(tokens, j)))) {
    return w === 'first' && prev !== 'i' && prev !== 'when' ? -1 : PRESENTING
  }
  if (SUFFERING.has(w) || (LIVING_WITH.has(w) && next === 'with')) return PRESENTING
  if (w === 'before' && (WE_I.has(next) || ['coming', 'seeing', 'finding', 'my', 'starting', 'treatment'].includes(next))) return PRESENTING
  if ((w === 'initially' || w === 'originally') && i === sentenceStart) return PRESENTING
  if (PAST_INABILITY.has(w) && withinWords(tokens, i + 1, 3, (x) => ACTIVITIES.has(x.norm))) return PRESENTING
  if (w === 'could' && next === 'not' && withinWords(tokens, i + 2, 2, (x) => ACTIVITIES.has(x.norm))) return PRESENTING
  if (w === 'after' && withinWords(tokens, i + 1, 3, (x) => MISHAPS.has(x.norm))) return PRESENTING
  if (FIRST_PERSON.has(w) && (i <= sentenceStart + 1 ? withinWords(tokens, i + 1, 3, (x) => PAST_BE.has(x.norm)) : PAST_BE.has(next)) &&
    withinWords(tokens, i + 1, 8, (x) => SYMPTOMS.has(x.norm)) && withinWords(tokens, i + 1, 8, (x) => SEVERITY.has(x.norm))) return PRESENTING

  // the turn to this clinic, and the outcome
  if ((w === 'and' || w === 'so' || TURNS.has(w)) && CLINIC_ACTORS.has(next)) return CARE
  if (TURNS.has(w) && i === sentenceStart) return CARE
  // "before I found this clinic, I was seeing …" is still the history
  if (w === 'found' && (CLINIC_ACTORS.has(next) || next === 'dr') && !wordsBefore(tokens, i, sentenceStart, 3).includes('before')) return CARE
  if (w === 'after' && withinWords(tokens, i + 1, 3, (x) => VISITS.has(x.norm))) return OUTCOME
  if ((w === 'out' && ['walked', 'left', 'came', 'limped', 'went', 'got'].includes(prev)) ||
    (w === 'left' && !SIDE_BEFORE.has(prev) && !BODY_SIDES.has(next))) return OUTCOME
  if (OUTCOME_WORDS.has(w) || (w === 'no' && next === 'longer')) return OUTCOME
  if (VERDICT_WORDS.has(w)) return VERDICT
  return -1
}

/** A sentence that goes on telling the patient's problem: about them, with no clinic actor or outcome. */
function continuesStory(tokens: readonly Token[], from: number): boolean {
  let aboutPatient = false
  for (let j = from; j < tokens.length; j++) {
    const t = tokens[j]!
    if (t.kind === SENTENCE_END) break
    if (t.kind !== WORD) continue
    if (CLINIC_ACTORS.has(t.norm) || OUTCOME_WORDS.has(t.norm) || VERDICT_WORDS.has(t.norm) || TURNS.has(t.norm) ||
      VISITS.has(t.norm) || CONTRAST.has(t.norm)) return false
    if (FIRST_PERSON.has(t.norm)) aboutPatient = true
  }
  return aboutPatient
}

function wordsBefore(tokens: readonly Token[], i: number, sentenceStart: number, count: number): string[] {
  const out: string[] = []
  for (let j = i - 1; j >= sentenceStart && out.length < count; j--) if (tokens[j]!.kind === WORD) out.push(tokens[j]!.norm)
  return out
}

function wordAt(tokens: readonly Token[], i: number): string {
  const t = tokens[i]
  return t !== undefined && t.kind === WORD ? t.norm : ''
}

/** "for my appointment", "for a visit": why the patient came that day, not the problem they came with. */
function forAVisit(tokens: readonly Token[], j: number): boolean {
  return withinWords(tokens, j + 1, 3, (x) => VISITS.has(x.norm) || x.norm === 'checkup' || x.norm === 'tune')
}

/** Whether one of the next `count` words from token i (in the same sentence) satisfies `test`. */
function withinWords(tokens: readonly Token[], i: number, count: number, test: (t: Token, j: number) => boolean): boolean {
  let seen = 0
  for (let j = i; j < tokens.length && seen < count; j++) {
    const t = tokens[j]!
    if (t.kind === SENTENCE_END || t.kind === CLAUSE_BREAK) return false
    if (t.kind !== WORD) continue
    if (test(t, j)) return true
    seen++
  }
  return false
}

/** The role of each sentence: the first aside or story part it turns to, else this clinic's care. */
export function sentenceRoles(tokens: readonly Token[], segments: readonly Segment[]): StoryRole[] {
  const roles = tokenRoles(tokens, segments)
  const out: StoryRole[] = []
  for (let i = 0; i < tokens.length; i++) {
    const s = segments[tokens[i]!.segment]!.sentence
    if (out[s] === undefined || (out[s] === 'care' && roles[i] !== CARE)) out[s] = STORY_ROLES[roles[i]!]!
  }
  return Array.from(out, (r) => r ?? 'care')
}
