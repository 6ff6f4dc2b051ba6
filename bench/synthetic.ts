import { createWriteStream } from 'node:fs'

/** mulberry32: a small seeded PRNG, so every run of the bench sees the same reviews. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const OPENINGS = ['Dr. Daniel', 'The doctor', 'Everyone here', 'My chiropractor', 'The whole team', 'She', 'He']
const PRAISE = [
  'never rushed me and took the time to listen',
  'explained everything in plain language',
  'fixed my desk posture and monitor height',
  'treated my neck, shoulders and upper back as one system',
  'found the root cause instead of just cracking my back',
  'gave me stretches and exercises to do at home',
  'was gentle and I always felt safe',
  'got rid of the headaches I had for months',
]
const COMPLAINTS = [
  'I waited 40 minutes past my appointment time',
  'the front desk was rude on the phone',
  'online booking never works and there are no evening slots',
  'they kept pushing an expensive package and insurance billing was a mess',
  'the visit felt rushed, in and out in five minutes',
  'my shoulder feels exactly the same',
]
const FILLER = ['I came in after months of pain.', 'Parking nearby is easy.', 'I found them through a coworker.', 'This was my third visit.', '']

/** A review of ordinary length (~150–400 characters) mixing praise and complaints, by rating. */
export function syntheticReview(random: () => number, index: number) {
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!
  const rating = random() < 0.7 ? 5 : random() < 0.5 ? 4 : Math.ceil(random() * 3)
  const parts = [pick(FILLER), `${pick(OPENINGS)} ${pick(PRAISE)}.`]
  if (random() < 0.5) parts.push(`${pick(OPENINGS)} also ${pick(PRAISE)}.`)
  if (rating <= 3 || random() < 0.2) parts.push(`But ${pick(COMPLAINTS)}.`)
  const day = new Date(Date.UTC(2022, 0, 1) + Math.floor(random() * 3 * 365) * 86_400_000)
  return {
    id: `syn-${index}`,
    author: `Patient ${index}`,
    rating,
    text: parts.filter(Boolean).join(' '),
    createdAt: day.toISOString(),
  }
}

function csvCell(value: string | number): string {
  const text = String(value)
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** Writes `count` reviews (or until `maxBytes`) as an import CSV, streaming so any size fits in memory. */
export async function writeSyntheticCsv(file: string, options: { count?: number; maxBytes?: number; seed: number }): Promise<number> {
  const random = seededRandom(options.seed)
  const out = createWriteStream(file)
  let bytes = 0
  let written = 0
  const write = (line: string) => {
    bytes += Buffer.byteLength(line)
    return out.write(line) ? Promise.resolve() : new Promise<void>((resolve) => out.once('drain', () => resolve()))
  }
  await write('id,source,author,rating,text,created_at,url\n')
  while ((options.count === undefined || written < options.count) && (options.maxBytes === undefined || bytes < options.maxBytes)) {
    const r = syntheticReview(random, written)
    await write([r.id, 'import', r.author, r.rating, r.text, r.createdAt, ''].map(csvCell).join(',') + '\n')
    written++
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())))
  return written
}
