import PorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js'
import SentimentAnalyzer from 'natural/lib/natural/sentiment/SentimentAnalyzer.js'

// The word lists the tagger shares between cue compilation and text analysis. Everything here is
// built once at import; the per-review path only reads it.

// Porter stemming is the slowest step per token (~2 µs); reviews reuse a small vocabulary, so a
// memo pays off. It is cleared when full so memory stays bounded on an endless import.
const STEM_CACHE_LIMIT = 50_000
const stemCache = new Map<string, string>()

/** Stem of a lower-cased word token. Contractions ("didn't", "i'm") are kept whole. */
export function stemOf(norm: string): string {
  const hit = stemCache.get(norm)
  if (hit !== undefined) return hit
  const stem = norm.includes("'") ? norm : PorterStemmer.stem(norm)
  if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear()
  stemCache.set(norm, stem)
  return stem
}

/** Words that turn the stance of what follows (until punctuation or a contrast word). */
export const NEGATORS: ReadonlySet<string> = new Set([
  'not', 'no', 'never', 'nobody', 'nothing', 'none', 'neither', 'nor', 'cannot', 'without',
  'hardly', 'barely', 'zero', 'lack', 'lacked', 'lacking',
  // contractions, with and without the apostrophe (people type both)
  "don't", "doesn't", "didn't", "isn't", "wasn't", "weren't", "aren't", "haven't", "hasn't",
  "hadn't", "won't", "wouldn't", "couldn't", "can't", "shouldn't", "ain't", "mustn't",
  'dont', 'doesnt', 'didnt', 'isnt', 'wasnt', 'werent', 'arent', 'havent', 'hasnt', 'hadnt',
  'wouldnt', 'couldnt', 'cant', 'shouldnt',
])

/**
 * Words after which a stance is wished for, not had: "I wish she'd explained more" criticises
 * explanation whatever the sign of the words that follow.
 */
export const IRREALIS: ReadonlySet<string> = new Set(['wish', 'wished', 'wishing'])

/** Conjunctions after which a negation has done its work and a cue gap may not reach. */
export const SCOPE_ENDERS: ReadonlySet<string> = new Set([
  'and', 'so', 'which', 'because', 'while', 'then', 'since',
])

/**
 * Where a cue gap must stop: subordinators always, "and"/"so" only before a new subject ("neck
 * without warning and I've had a stiff neck"); "neck, shoulders and upper back", "so much
 * better" and "had since March" stay reachable.
 */
export const GAP_STOPS: ReadonlySet<string> = new Set(['which', 'because', 'while', 'then', 'whereas'])
export const GAP_STOPS_BEFORE_SUBJECT: ReadonlySet<string> = new Set(['and', 'so', 'or'])
export const SUBJECTS: ReadonlySet<string> = new Set([
  'i', "i've", "i'm", "i'd", "i'll", 'she', "she's", "she'd", 'he', "he's", "he'd", 'they',
  "they're", "they've", 'we', "we're", "we've", 'it', "it's", 'you', "you're", "you'd", 'there',
])

/** Words that start a new clause whose stance is judged on its own ("lovely staff but …"). */
export const CONTRAST: ReadonlySet<string> = new Set([
  'but', 'although', 'though', 'however', 'whereas', 'except', 'unfortunately',
])

/**
 * Nouns for other care providers. "Most places just crack your back" or "two other doctors
 * ignored my shoulder" criticise the competition, which is praise for this practice, so a
 * comparison with them flips the stance of the rest of the clause, like a negation.
 */
export const OTHER_PROVIDERS: ReadonlySet<string> = new Set(
  [
    'place', 'places', 'chiropractor', 'chiropractors', 'chiro', 'chiros', 'doctor', 'doctors',
    'doc', 'docs', 'office', 'offices', 'clinic', 'clinics', 'practitioner', 'practitioners',
    'provider', 'providers', 'therapist', 'therapists', 'physio', 'physios', 'pt', 'pts',
    'massage', 'massages', 'people',
  ].map((w) => PorterStemmer.stem(w)),
)
export const COMPARATORS: ReadonlySet<string> = new Set([
  'other', 'most', 'previous', 'former', 'prior', 'unlike',
])

export const NUMBER_WORDS: ReadonlySet<string> = new Set([
  'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven',
  'twelve', 'fifteen', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'ninety', 'hundred',
  'half', 'couple', 'few', 'several', 'once', 'twice',
])

/** Tokens ending in "." that do not end a sentence ("Dr. Park"). */
export const ABBREVIATIONS: ReadonlySet<string> = new Set([
  'dr', 'mr', 'mrs', 'ms', 'st', 'vs', 'etc', 'approx', 'appt', 'e.g', 'i.e', 'jr', 'sr', 'prof',
])

/**
 * Clinic-review adjustments to AFINN. Topic words ("pain", "problem") are what reviews are about,
 * not a stance, so they are neutralised; words AFINN lacks but patients use for a stance are added.
 */
const DOMAIN_VALENCE: ReadonlyMap<string, number> = new Map(Object.entries({
  // topic words, not stance
  pain: 0, painful: 0, hurt: 0, hurts: 0, hurting: 0, ache: 0, aches: 0, aching: 0, loose: 0,
  apologized: 1, apologised: 1, apologetic: 1, problem: 0, problems: 0, issue: 0, issues: 0, sore: 0, stiff: 0,
  tension: 0, tight: 0, headache: 0, headaches: 0, accident: 0, nervous: 0, scared: 0,
  care: 0, cares: 2, like: 0, likes: 0, pretty: 0, please: 0, star: 0, stars: 0, no: 0,
  want: 0, wish: 0, joke: 0, kind: 0, free: 0, help: 1, clear: 1, fine: 1, okay: 0, ok: 0,
  ready: 0, pressure: 0, charge: 0, charges: 0, charged: -1, pay: 0, paid: 0, pays: 0, stuck: -1, miss: 0, missed: -1,
  // stance words AFINN lacks
  gem: 3, thorough: 2, thoroughly: 2, attentive: 2, knowledgeable: 2, professional: 2,
  welcoming: 2, accommodating: 2, helpful: 2, responsive: 2, seamless: 2, smooth: 1,
  painless: 2, worth: 2, efficient: 2, prompt: 1, punctual: 2, relief: 2, relieved: 2,
  helped: 2, gentle: 2, comfortable: 2, caring: 2, lovely: 3, sweet: 2, kindest: 3,
  wonderful: 3, fantastic: 3, reasonable: 2, affordable: 2, convenient: 2, easier: 1,
  simple: 1, quickly: 1, flexible: 1, understanding: 1, personable: 2, warm: 1,
  rushed: -2, rushing: -2, rude: -3, unprofessional: -3, dismissive: -2, condescending: -2,
  pushy: -2, nightmare: -3, steep: -2, pricey: -2, overpriced: -3, expensive: -2,
  confusing: -2, disorganized: -2, chaotic: -2, late: -1, cold: -1, unhelpful: -2,
  useless: -2, worse: -3, awful: -3, mess: -2, snippy: -2, curt: -2, impersonal: -2,
  unfriendly: -2, ignored: -2, rough: -2, apology: 0, sorry: 0,
  impossible: -2, hassle: -2, hassles: -2,
}))

const afinnRaw = new SentimentAnalyzer('English', null, 'afinn').vocabulary
const afinnStemmed = new SentimentAnalyzer('English', PorterStemmer, 'afinn').vocabulary

/** Sentiment valence of a word: clinic overrides, then AFINN by word, then AFINN by stem. */
export function valenceOf(norm: string, stem: string): number {
  const own = DOMAIN_VALENCE.get(norm)
  if (own !== undefined) return own
  const raw = afinnRaw[norm]
  if (raw !== undefined) return raw
  // Stem fallback only for longer words: short stems collide ("wa" for "was").
  if (norm.length < 5) return 0
  return afinnStemmed[stem] ?? 0
}
