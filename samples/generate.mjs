// Builds samples/clinic-reviews.csv, samples/bad-rows.csv and samples/README.md.
//
//   node samples/generate.mjs
//
// Deterministic: a seeded PRNG (mulberry32), no Math.random, no Date.now. Running it twice
// produces byte-identical files. The review texts are hand-written in review-bank.mjs; this
// script only shuffles them and assigns ids, authors, timestamps and urls.
import { writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { REVIEWS, THEME_CODES } from './review-bank.mjs'

const HERE = dirname(fileURLToPath(import.meta.url))
const HEADER = ['id', 'source', 'author', 'rating', 'text', 'created_at', 'url']
const CID = '1234567890'
const reviewUrl = (id) => `https://maps.google.com/?cid=${CID}&review=${id}`

// ----------------------------------------------------------------------------- PRNG
function mulberry32(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const rand = mulberry32(20231101)
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1)) // inclusive
const pick = (xs) => xs[Math.floor(rand() * xs.length)]
function shuffle(xs) {
  const a = xs.slice()
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1))
    ;[a[i], a[j]] = [a[j], a[i]]
  }
  return a
}

// ----------------------------------------------------------------------------- authors
const FIRST = [
  'Aaron', 'Abby', 'Adriana', 'Aisha', 'Alejandro', 'Alex', 'Alina', 'Amir', 'Ana', 'Andre',
  'Angela', 'Anh', 'Anjali', 'Arjun', 'Ben', 'Bianca', 'Brandon', 'Brian', 'Camille', 'Carlos',
  'Cecilia', 'Chloe', 'Chris', 'Connor', 'Daisy', 'Dan', 'Deepa', 'Derek', 'Diego', 'Dmitri',
  'Elena', 'Elif', 'Emily', 'Erin', 'Esther', 'Farah', 'Felipe', 'Fiona', 'Gabe', 'Grace',
  'Hana', 'Hannah', 'Hector', 'Ian', 'Imani', 'Irene', 'Isaac', 'Jamal', 'Janelle', 'Jasmine',
  'Javier', 'Jen', 'Jessica', 'Jonah', 'Jordan', 'Joy', 'Julia', 'Kai', 'Karina', 'Kate',
  'Kevin', 'Kiran', 'Lauren', 'Leah', 'Leo', 'Lily', 'Lorena', 'Lucas', 'Luis', 'Maya',
  'Malik', 'Marco', 'Maria', 'Mateo', 'Mei', 'Michelle', 'Mike', 'Min-jun', 'Nadia', 'Naomi',
  'Nate', 'Neha', 'Nico', 'Noah', 'Olga', 'Omar', 'Paolo', 'Patrick', 'Paula', 'Priya',
  'Quinn', 'Rachel', 'Rafael', 'Rahul', 'Raquel', 'Rebecca', 'Riley', 'Rosa', 'Ryan', 'Sam',
  'Sara', 'Sean', 'Sofia', 'Soo-ah', 'Stephanie', 'Sunil', 'Tara', 'Teresa', 'Thanh', 'Theo',
  'Tina', 'Tom', 'Trinh', 'Valeria', 'Vikram', 'Wei', 'Whitney', 'Xavier', 'Yara', 'Yuki',
  'Zach', 'Zainab',
]
const LAST = [
  'Abdi', 'Acosta', 'Adeyemi', 'Alvarez', 'Anand', 'Baker', 'Banerjee', 'Becker', 'Bui',
  'Cabrera', 'Castillo', 'Chan', 'Chen', 'Cho', 'Cohen', 'Cruz', 'Dang', 'Delgado', 'Desai',
  'Dominguez', 'Duong', 'Ebrahimi', 'Estrada', 'Evans', 'Feng', 'Fitzgerald', 'Flores', 'Fong',
  'Gallagher', 'Garcia', 'Goldberg', 'Gomez', 'Gupta', 'Haddad', 'Hall', 'Hernandez', 'Ho',
  'Huang', 'Ibarra', 'Ito', 'Iyer', 'Jackson', 'Jensen', 'Kang', 'Kapoor', 'Kaur', 'Kim',
  'Kowalczyk', 'Kumar', 'Lam', 'Larsen', 'Le', 'Lee', 'Leung', 'Lim', 'Liu', 'Lopez', 'Lu',
  'Mahmoud', 'Martinez', 'Medina', 'Mehta', 'Mendoza', 'Morales', 'Moreno', 'Murphy',
  'Nakamura', 'Navarro', 'Nguyen', 'Novak', "O'Brien", 'Okafor', 'Ortiz', 'Park', 'Patel',
  'Pereira', 'Petrov', 'Pham', 'Quinn', 'Ramirez', 'Ramos', 'Reyes', 'Rivera', 'Rosen',
  'Rossi', 'Salazar', 'Santos', 'Schmidt', 'Shah', 'Silva', 'Singh', 'Sokolova', 'Sullivan',
  'Suzuki', 'Tan', 'Tanaka', 'Torres', 'Tran', 'Truong', 'Vargas', 'Vasquez', 'Vo', 'Walsh',
  'Wang', 'Washington', 'Weiss', 'Williams', 'Wong', 'Wu', 'Yamamoto', 'Yang', 'Yee', 'Yilmaz',
  'Young', 'Zhang', 'Zhou',
]
const usedFull = new Set()
function author() {
  const r = rand()
  if (r < 0.06) return '' // anonymous
  const first = pick(FIRST)
  if (r < 0.22) return first // first name only
  const last = pick(LAST)
  if (r < 0.39) return `${first} ${last[0]}.` // "Priya S."
  if (r < 0.42) return `${first} ${last}`.toLowerCase() // "kevin tran"
  let full = `${first} ${last}`
  while (usedFull.has(full)) full = `${pick(FIRST)} ${pick(LAST)}`
  usedFull.add(full)
  return full
}

// ----------------------------------------------------------------------------- hostile rows
// Valid rows (ratings 1..5, ids, dates, urls all fine) whose content is a trap for naive
// storage, rendering or CSV export. A safe system must import them and return them
// byte-for-byte.
const LONG_REVIEW = [
  `Long review, sorry. I'm the kind of person who reads every review before choosing anyone, so I figure I owe the next person the same level of detail.`,
  `Some background. I'm 41, I work in biotech, and for the better part of six years I've had what I used to call my "desk back": a deep, dull ache just inside my right shoulder blade that starts around two in the afternoon and builds until I go to bed. Over the years it picked up friends. First a stiff neck in the mornings, then tension headaches on the right side that would sit behind my eye for the whole evening, then a shoulder that complained whenever I reached into the back seat of the car. I had tried a lot: two rounds of physical therapy, a very expensive chair, a standing desk, massage every couple of weeks, yoga on and off, and a chiropractor near my old office who was friendly but who, honestly, spent about six minutes with me per visit.`,
  `First visit. I booked online on a Sunday night for a Wednesday morning slot, which was easier than I expected. The intake form was long but sensible. I waited maybe ten minutes in the lobby, which was fine; there was tea. Dr. Daniel came out himself to get me, which I noticed. He started by asking me to describe a normal workday, hour by hour. Where the screens are. Whether I look down at a laptop or straight ahead at a monitor. How I sit in meetings. What I do on weekends. Which side I carry my bag on. How I sleep, and on what pillow. He asked about the headaches in a lot of detail and also asked a few questions that I realized later were screening for the things you really don't want it to be. I liked that he told me why he was asking.`,
  `Then the exam. He watched me sit in a chair the way I sit at work (slumped, it turns out, and rotated a little to the left toward my second monitor). He had me turn, bend, reach overhead, and breathe deeply while he felt my ribs. The big finding was that my mid-back, the section between my shoulder blades, barely moved at all, especially when rotating to the right. His explanation was that when that part of the spine is stuck, the neck and the shoulder have to make up the difference, and they get irritated doing a job they weren't built for. He showed me on a model and then on me. It was the first time any of my three problems had been described as one problem.`,
  `Treatment. The first session was gentle: mobilization of the mid-back, some soft tissue work between the shoulder blades that was intense in a good way, and one adjustment to the upper back after he explained what it would feel like and asked if I was okay with it. No neck cracking on the first visit, which I had been nervous about. He said we could decide on that later, and in the end we never needed to. The soft tissue work was the piece I didn't know I needed: the muscles between my shoulder blades had been guarding for so long that they felt like one solid block, and after the second visit they felt like muscles again.`,
  `Homework. Three exercises: an open-book rotation lying on my side, a thoracic extension over a rolled towel, and rows with a resistance band that I keep under my desk. Plus two changes to my setup: the second monitor moved to sit directly in front of me next to the first one, and a laptop stand so I stop looking down on calls. He wrote all of it down, and I got a link to short videos of each exercise so I could check my form at home.`,
  `Results. I went weekly for four weeks, then every two weeks for a month, and now I go roughly once a month, mostly because I like it. The afternoon ache went from a daily thing to maybe once or twice a week by week three, and now it's rare. The headaches were the last thing to improve and the thing I care about most: I used to get three or four a week, and in the last month I've had one. The shoulder is fine. I can reach into the back seat again without thinking about it.`,
  `Now the reasons for four stars instead of five, because nothing is perfect. First, cost. I have a PPO that covers some of it, but I still paid a fair amount out of pocket, and it took a couple of phone calls to understand the superbill. The front desk was patient about it, but the whole insurance side could be clearer up front. Second, wait times got longer over the months I've been going. Early on I was seen almost immediately; lately it's been closer to fifteen or twenty minutes, which matters when you've squeezed the visit into a lunch break. Third, evening appointments are hard to get, so I've had to move meetings around more than once.`,
  `None of that changes the main thing, which is that for the first time in six years I understand what was going on with my back, neck and shoulder, and I have a way to keep it from coming back. If you sit at a desk all day and have that ache between your shoulder blades, go. Bring a photo of your desk. Do the homework. And be patient with the first couple of weeks, because the change was gradual for me rather than overnight, and I almost gave up before it kicked in.`,
].join('\n\n')

const HOSTILE = [
  {
    id: 'h01', rating: 5, author: 'Teresa Mahmoud', labels: 'pr+ st+',
    why: 'HTML/JS injection: a `<script>` element and an `<img onerror>` handler inside ordinary review text.',
    text: `Dr. Daniel fixed my neck in three visits <script>alert("x")</script> and the front desk is lovely. My nephew builds websites and says review widgets are "easy to break", so here's a little test for whoever runs this one: <img src=x onerror=alert(1)>. Anyway, truly a great clinic and my upper back has never felt better.`,
  },
  {
    id: 'h02', rating: 5, author: 'Marcus B.', labels: 'pr+ po+',
    why: 'Spreadsheet formula injection: the text starts with `=HYPERLINK("http://evil.example","click")`.',
    text: `=HYPERLINK("http://evil.example","click") here for my full write-up, lol. Short version: Dr. Daniel sorted out my upper back in three visits and his desk setup tips were spot on.`,
  },
  {
    id: 'h03', rating: 4, author: '@kev.climbs', labels: 'nr+ ce+ pr+ wt-',
    why: 'Formula injection, second form: the text starts with `+` (and has `-1`/`+1` inside), the author starts with `@`.',
    text: `+1 to everything everyone else said. Never rushed, clear explanations, and my neck turns again. -1 for the 20-minute wait, +1 back for the tea in the lobby.`,
  },
  {
    id: 'h04', rating: 5, author: 'Zoe\u0308 Nguye\u0302\u0303n', labels: 'ge+ nr+ pr+',
    why: 'Unicode traps: author and text use decomposed combining accents (NFD, not NFC), emoji with skin-tone modifiers, ZWJ sequences plus a stray U+200D, and an unterminated right-to-left override U+202E at the end (the last words are stored reversed and display as "five stars").',
    text: `Cafe\u0301-level service 👍🏽👍🏾 Dr. Daniel has now treated my whole family 👨\u200D👩\u200D👧\u200D👦 and my 🧑🏽\u200D💻 husband's tech neck is finally better. Re\u0301sume\u0301 of my visits: gentle, thorough, never rushed.\u200D Final verdict: \u202Esrats evif`,
  },
  {
    id: 'h05', rating: 5, author: 'Okafor, Dana "DJ"', labels: 'po+ rc+ hc+ co+',
    why: 'CSV quoting: the text starts and ends with a double quote, has embedded quotes and commas, and uses CRLF line breaks inside the field (the rest of the file uses LF); the author has a comma and quotes.',
    text: `"Best chiro in SF," says my wife, and she's picky.\r\nHe said, "Your neck isn't the problem, your desk is," and he was right.\r\n\r\nWhat changed: monitor height, chair, and the "just one more email" habit; three stretches, twice a day.\r\nCost of the advice: $0, which is rare. My wife's verdict: "told you so."`,
  },
  {
    id: 'h06', rating: 4, author: 'Rebecca Sokolova', labels: 'nr+ po+ rc+ cc+ ce+ pr+ hc+ ge+ co- wt- bk~ st+',
    why: `Length: a single ${LONG_REVIEW.length}-character, nine-paragraph review (LF line breaks inside the field).`,
    text: LONG_REVIEW,
  },
]
if (LONG_REVIEW.length < 4800 || LONG_REVIEW.length > 5300) {
  throw new Error(`long review is ${LONG_REVIEW.length} characters, want about 5,000`)
}

// ----------------------------------------------------------------------------- rows
const bank = shuffle(REVIEWS)
const rows = bank.map(([rating, labels, text, author], i) => ({
  id: `s${String(i + 1).padStart(3, '0')}`,
  rating,
  labels,
  text,
  author,
}))
// Put the hostile rows among the normal ones, not in a block at the end.
const HOSTILE_AT = [23, 87, 141, 199, 256, 318]
HOSTILE.forEach((h, k) => rows.splice(HOSTILE_AT[k] + k, 0, h))

// Timestamps: review days spread evenly at random over 2023-11-01 .. 2026-10-31 (Pacific
// time), posted between 07:00 and 22:59 local, converted to UTC (PDT = UTC-7 roughly
// March to early November, PST = UTC-8 otherwise). Sorted, then locally shuffled so the
// file is in roughly, not perfectly, chronological order.
const DAY = 86_400_000
const START = Date.UTC(2023, 10, 1) // 2023-11-01
const DAYS = Math.round((Date.UTC(2026, 9, 31) - START) / DAY) + 1 // through 2026-10-31
function timestamp() {
  const dayMs = START + int(0, DAYS - 1) * DAY
  const d = new Date(dayMs)
  const m = d.getUTCMonth() // 0-based
  const dst = (m > 2 && m < 10) || (m === 2 && d.getUTCDate() >= 10) || (m === 10 && d.getUTCDate() < 3)
  const offsetH = dst ? 7 : 8
  const local = int(7, 22) * 3_600_000 + int(0, 59) * 60_000 + int(0, 59) * 1000
  return dayMs + local + offsetH * 3_600_000
}
const times = rows.map(() => timestamp()).sort((a, b) => a - b)
for (let i = 0; i + 1 < times.length; i++) {
  if (rand() < 0.22) {
    const j = Math.min(times.length - 1, i + int(1, 3))
    ;[times[i], times[j]] = [times[j], times[i]]
  }
}
const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z')

for (const [i, row] of rows.entries()) {
  row.source = 'import'
  if (row.author === undefined) row.author = author()
  row.created_at = iso(times[i])
  row.url = row.id.startsWith('h') || rand() >= 0.08 ? reviewUrl(row.id) : ''
}

// ----------------------------------------------------------------------------- CSV
const field = (v) => {
  const s = String(v)
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}
const csv = (records) =>
  [HEADER.join(','), ...records.map((r) => HEADER.map((k) => field(r[k])).join(','))].join('\n') + '\n'

writeFileSync(join(HERE, 'clinic-reviews.csv'), csv(rows))

// bad-rows.csv: 10 rows, exactly 4 invalid. No field spans two lines, so the physical line
// number of each record is its record number + 1 (header = line 1).
const BAD = [
  { id: 'b01', rating: 5, text: 'Quick visit, clear plan, and my neck already feels looser.', created_at: '2025-02-11T18:20:00Z', ok: true },
  { id: 'b02', rating: '6', text: 'Six stars if I could!', created_at: '2025-02-14T21:05:13Z', ok: false, why: 'rating is `6` (must be 1-5)' },
  { id: 'b03', rating: 4, text: 'Good adjustment, short wait, friendly desk.', created_at: '2025-03-02T16:44:51Z', ok: true },
  { id: 'b04', rating: '', text: 'Forgot to pick a star rating, but he was great.', created_at: '2025-03-09T19:12:30Z', ok: false, why: 'rating is empty' },
  { id: 'b05', rating: 5, text: '', created_at: '2025-03-15T02:31:07Z', ok: true },
  { id: 'b06', rating: 2, text: 'Waited half an hour and the visit felt rushed.', created_at: '2025-04-01T17:58:44Z', ok: true },
  { id: '', rating: 5, text: 'Great stretches to do at home.', created_at: '2025-04-06T20:03:19Z', ok: false, why: 'id is empty (missing)' },
  { id: 'b08', rating: 3, text: 'Fine, "nothing special", would maybe return.', created_at: '2025-04-19T15:27:02Z', ok: true },
  { id: 'b09', rating: 4, text: 'Helped my upper back a lot.', created_at: 'yesterday', ok: false, why: 'created_at is `yesterday` (not an ISO-8601 timestamp)' },
  { id: 'b10', rating: 1, text: 'Billing mix-up, took weeks to fix.', created_at: '2025-05-23T22:40:55Z', ok: true },
].map((r) => ({
  source: 'import',
  author: r.id === 'b05' ? '' : pick(FIRST),
  url: r.id ? reviewUrl(r.id) : '',
  ...r,
}))
writeFileSync(join(HERE, 'bad-rows.csv'), csv(BAD))

// ----------------------------------------------------------------------------- README
const sRows = rows.filter((r) => r.id.startsWith('s'))
const starCount = (rs) => [5, 4, 3, 2, 1].map((n) => rs.filter((r) => r.rating === n).length)
const pct = (n, d) => `${Math.round((100 * n) / d)}%`
const parseLabels = (l) =>
  l.split(' ').filter(Boolean).map((x) => {
    const theme = THEME_CODES[x.slice(0, 2)]
    const pol = { '+': 'positive', '-': 'negative', '~': 'mixed' }[x[2]]
    if (!theme || !pol || x.length !== 3) throw new Error(`bad label ${x}`)
    return [theme, pol]
  })
const themeTable = Object.values(THEME_CODES).map((t) => {
  const c = { positive: 0, negative: 0, mixed: 0 }
  for (const r of sRows) for (const [th, p] of parseLabels(r.labels)) if (th === t) c[p]++
  return { t, ...c }
})
for (const { t, positive, negative } of themeTable) {
  if (positive < 8 || negative < 3) throw new Error(`theme ${t}: ${positive} pos / ${negative} neg`)
}
const s = starCount(sRows)
const all = starCount(rows)
const noTheme = sRows.filter((r) => r.labels === '' && r.text !== '')
const empty = sRows.filter((r) => r.text === '')
const multi = sRows.filter((r) => r.text.includes('\n') && !r.text.startsWith('(Translated'))
const translated = sRows.filter((r) => r.text.startsWith('(Translated by Google)'))
const noUrl = rows.filter((r) => r.url === '').length
const anon = rows.filter((r) => r.author === '').length
const ids = (rs) => rs.map((r) => r.id).join(', ')
const lineOf = new Map()
{
  let line = 2 // header = line 1; csv() joins records with LF
  for (const r of rows) {
    lineOf.set(r.id, line)
    line += (r.text.match(/\n/g) ?? []).length + 1
  }
}

const readme = `# Sample data

Fictional Google-style reviews of the San Francisco chiropractic clinic (Dr. Daniel; upper
back, neck and shoulders), written for Plaudit by hand for demos and tests. Nothing is copied
from real reviews or from \`shared/data/clinic-dev.jsonl\`. The review texts live in
\`review-bank.mjs\` (with theme labels); \`node samples/generate.mjs\` shuffles them with a
seeded PRNG, assigns ids, authors, timestamps and urls, and rewrites the three files below
byte-for-byte identically. \`node samples/verify.mjs\` parses both CSVs with \`csv-parse\`
and checks them.

## clinic-reviews.csv

Header \`id,source,author,rating,text,created_at,url\`; RFC 4180 (fields with comma, quote
or line break are quoted, quotes doubled), UTF-8, LF record separators. ${rows.length} rows:
${sRows.length} reviews \`s001\`-\`s${String(sRows.length).padStart(3, '0')}\` and 6 hostile rows \`h01\`-\`h06\`. \`source\` is
always \`import\`; \`created_at\` is ISO-8601 UTC between 2023-11-01 and 2026-10-31, in roughly
(not strictly) chronological order; ${noUrl} rows have an empty \`url\` and ${anon} an empty \`author\`.

| rating | s-rows | share | all rows |
| --- | ---: | ---: | ---: |
${[5, 4, 3, 2, 1].map((n, i) => `| ${n}★ | ${s[i]} | ${pct(s[i], sRows.length)} | ${all[i]} |`).join('\n')}
| total | ${sRows.length} | | ${rows.length} |

Theme labels of the s-rows (themes and guideline as in \`shared/data/README.md\`; the labels
are in \`review-bank.mjs\`, not in the CSV):

| theme | positive | negative | mixed |
| --- | ---: | ---: | ---: |
${themeTable.map((r) => `| ${r.t} | ${r.positive} | ${r.negative} | ${r.mixed} |`).join('\n')}

- ${noTheme.length} reviews with text but no theme, e.g. ${ids(noTheme.slice(0, 5))}.
- ${empty.length} rating-only reviews with empty text: ${ids(empty)}.
- ${multi.length} multi-paragraph reviews (line breaks inside the quoted field): ${ids(multi)}.
- ${translated.length} in Google's translation format \`(Translated by Google) …\\n\\n(Original)\\n…\`: ${translated.map((r) => `${r.id} (${/[\uac00-\ud7af]/.test(r.text) ? 'Korean' : 'Spanish'})`).join(', ')}.
- Includes negation ("I never felt rushed", "He didn't explain anything"), contrast ("Great
  adjustment but I waited 40 minutes") and paraphrase ("It never feels like an assembly line").

### Hostile rows

Each is a valid row (valid id, rating 1-5, date and url) that must be imported and returned
byte-for-byte, not rejected, stripped or normalized:

${HOSTILE.map((h) => `- \`${h.id}\` (line ${lineOf.get(h.id)}): ${h.why}`).join('\n')}

## bad-rows.csv

Same header, ${BAD.length} rows, no field spans two lines. ${BAD.filter((r) => r.ok).length} rows are valid (${BAD.filter((r) => r.ok).map((r) => r.id).join(', ')}; b05 has empty text
and author, which is allowed). Exactly ${BAD.filter((r) => !r.ok).length} are invalid, by physical line number (header = line 1):

${BAD.map((r, i) => (r.ok ? null : `- line ${i + 2}: ${r.why}`)).filter(Boolean).join('\n')}
`
writeFileSync(join(HERE, 'README.md'), readme)

console.log(`wrote ${rows.length} rows (${sRows.length} s + ${HOSTILE.length} h), 5..1★ = ${s.join('/')}`)
