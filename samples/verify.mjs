// Checks samples/clinic-reviews.csv and samples/bad-rows.csv with the project's csv-parse.
//   node samples/verify.mjs
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'csv-parse/sync'

const HERE = dirname(fileURLToPath(import.meta.url))
const HEADER = 'id,source,author,rating,text,created_at,url'
const MIN = Date.parse('2023-11-01T00:00:00Z')
const MAX = Date.parse('2026-10-31T23:59:59Z')
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/

let failures = 0
const check = (ok, msg) => {
  if (!ok) {
    failures++
    console.error(`FAIL ${msg}`)
  }
}

function load(name) {
  const buf = readFileSync(join(HERE, name))
  const raw = new TextDecoder('utf-8', { fatal: true }).decode(buf) // throws on invalid UTF-8
  check(!raw.startsWith('\uFEFF'), `${name}: no BOM`)
  check(raw.endsWith('\n') && !raw.endsWith('\r\n'), `${name}: ends with a single LF`)
  const out = parse(raw, { info: true, relax_quotes: false, skip_empty_lines: false })
  const header = out[0].record.join(',')
  check(header === HEADER, `${name}: header is "${header}"`)
  // Physical line on which each record starts (header = line 1). csv-parse's info.lines is
  // where the parser was when it emitted the record, so count line breaks ourselves.
  let line = 1
  const rows = out.map(({ record }) => {
    const start = line
    line += record.reduce((n, f) => n + (f.match(/\n/g) ?? []).length, 0) + 1
    check(record.length === 7, `${name} line ${start}: ${record.length} fields`)
    const [id, source, author, rating, text, created_at, url] = record
    return { id, source, author, rating, text, created_at, url, line: start }
  }).slice(1)
  // Canonical RFC 4180: re-serializing the parsed records reproduces the file byte-for-byte.
  const field = (s) => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s)
  const again = out.map(({ record }) => record.map(field).join(',')).join('\n') + '\n'
  check(again === raw, `${name}: re-serialized records differ from the file`)
  return { raw, rows }
}

function problems(r) {
  const p = []
  if (!r.id) p.push('missing id')
  if (r.source !== 'import') p.push(`source ${JSON.stringify(r.source)}`)
  if (!/^[1-5]$/.test(r.rating)) p.push(`rating ${JSON.stringify(r.rating)}`)
  const t = Date.parse(r.created_at)
  if (!ISO.test(r.created_at) || Number.isNaN(t)) p.push(`created_at ${JSON.stringify(r.created_at)}`)
  else if (t < MIN || t > MAX) p.push(`created_at out of range ${r.created_at}`)
  if (r.url !== '' && !/^https:\/\/maps\.google\.com\/\?cid=\d+&review=[a-z0-9]+$/.test(r.url)) p.push(`url ${r.url}`)
  return p
}

// ------------------------------------------------------------------ clinic-reviews.csv
const { raw, rows } = load('clinic-reviews.csv')
check(rows.length >= 320, `at least 320 rows (got ${rows.length})`)
const ids = new Set(rows.map((r) => r.id))
check(ids.size === rows.length, 'ids are unique')
for (const r of rows) {
  check(/^(s\d{3}|h0[1-6])$/.test(r.id), `id format ${r.id}`)
  for (const p of problems(r)) check(false, `${r.id}: ${p}`)
  if (r.url) check(r.url.endsWith(`review=${r.id}`), `${r.id}: url names its id`)
}
const sRows = rows.filter((r) => r.id.startsWith('s'))
sRows.forEach((r, i) => check(r.id === `s${String(i + 1).padStart(3, '0')}`, `s ids consecutive at ${r.id}`))

const h = Object.fromEntries(rows.filter((r) => r.id.startsWith('h')).map((r) => [r.id, r]))
check(Object.keys(h).length === 6, 'exactly 6 hostile rows')
check(h.h01?.text.includes('<script>alert("x")</script>') && h.h01.text.includes('<img src=x onerror=alert(1)>'), 'h01 script + img')
check(h.h02?.text.startsWith('=HYPERLINK("http://evil.example","click")'), 'h02 starts with =HYPERLINK')
check(h.h03?.text.startsWith('+') && h.h03.author.startsWith('@'), 'h03 starts with + / author @')
check(/\u202E/.test(h.h04?.text) && /\u200D/.test(h.h04.text) && /[\u{1F3FB}-\u{1F3FF}]/u.test(h.h04.text)
  && /\u0301/.test(h.h04.text) && h.h04.text !== h.h04.text.normalize('NFC') && h.h04.author !== h.h04.author.normalize('NFC'),
  'h04 RLO, ZWJ, skin tone, combining accents (NFD)')
check(h.h05?.text.includes('\r\n') && h.h05.text.startsWith('"') && h.h05.text.endsWith('"') && h.h05.author.includes(','), 'h05 quotes, commas, CRLF')
check(h.h06?.text.length >= 4500 && h.h06.text.length <= 5500, `h06 ~5000 chars (${h.h06?.text.length})`)
const crInText = rows.reduce((n, r) => n + (r.text.match(/\r/g) ?? []).length, 0)
check((raw.match(/\r/g) ?? []).length === crInText, 'no CR outside quoted fields (LF line endings)')

const times = rows.map((r) => Date.parse(r.created_at))
const inversions = times.filter((t, i) => i > 0 && t < times[i - 1]).length
check(inversions > 0 && inversions < rows.length / 4, `roughly but not perfectly sorted (${inversions} inversions)`)

const count = (rs) => Object.fromEntries([5, 4, 3, 2, 1].map((n) => [`${n}★`, rs.filter((r) => r.rating === String(n)).length]))
console.log(`clinic-reviews.csv: ${rows.length} rows (${sRows.length} s + ${rows.length - sRows.length} h), ${raw.split('\n').length - 1} physical lines`)
console.log('  ratings, all rows:', count(rows))
console.log('  ratings, s rows:  ', count(sRows))
console.log(`  dates ${new Date(Math.min(...times)).toISOString()} .. ${new Date(Math.max(...times)).toISOString()}, ${inversions} out-of-order neighbours`)
console.log(`  empty text ${rows.filter((r) => !r.text).length}, empty author ${rows.filter((r) => !r.author).length}, empty url ${rows.filter((r) => !r.url).length}, multi-line ${rows.filter((r) => r.text.includes('\n')).length}`)
console.log('  hostile rows at lines', Object.values(h).map((r) => `${r.id}:${r.line}`).join(' '))

// ------------------------------------------------------------------ bad-rows.csv
const bad = load('bad-rows.csv')
const badLines = bad.rows.filter((r) => problems(r).length > 0)
console.log(`bad-rows.csv: ${bad.rows.length} rows, invalid:`)
for (const r of badLines) console.log(`  line ${r.line}: ${problems(r).join('; ')}`)
check(JSON.stringify(badLines.map((r) => r.line)) === '[3,5,8,10]', 'bad rows are lines 3, 5, 8, 10')

if (failures) {
  console.error(`${failures} check(s) failed`)
  process.exit(1)
}
console.log('all checks passed')
