// npm run bench [-- --json] [--reviews N] [--seed S] [--seconds S] [--skip-memory] [--dashboard-reviews N]
// Measures the DESIGN.md targets that this stage of Plaudit covers. Figures depend on the machine;
// the feed is compared with a bare node:http server in the same run, so the ratio does not.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { loadPublicAssets } from '../src/api/assets.ts'
import { precompress } from '../src/api/feed-cache.ts'
import { redisAnswers, startPrivateRedis } from '../src/cli/private-redis.ts'
import { config } from '../src/config.ts'
import { closeDatabase, migrateDatabase, openDatabase } from '../src/db/database.ts'
import { loadFeed } from '../src/db/stores/feeds.ts'
import { ReviewStore } from '../src/db/stores/reviews.ts'
import { parsePack } from '../src/services/theme-packs.ts'
import { medianCpuMs, worstAcceptedPack, WORST_REVIEW } from './worst-pack.ts'
import { chiropracticPack } from '../src/domain/themes/default-pack.ts'
import { analyse } from '../src/domain/themes/text.ts'
import { createCueFeatures, createTagger } from '../src/domain/themes/tagger.ts'
import { compileModel, trainThemeModels } from '../src/domain/themes/learner.ts'
import { connectRedis, JobQueue } from '../src/jobs/queue.ts'
import { curateDemoCollections } from '../src/services/demo-collections.ts'
import { publishFeed } from '../src/services/feed-publisher.ts'
import { importReviews } from '../src/services/import-reviews.ts'
import { seededRandom, syntheticReview, writeSyntheticCsv } from './synthetic.ts'
import { measureDashboard } from './dashboard.ts'
import { measureCurationSearch } from './curation-search.ts'
import { randomBytes } from 'node:crypto'
import { FakeGoogle, LOCATION, REFRESH_TOKEN } from '../src/cli/fake-google.ts'
import { TokenCipher } from '../src/db/token-cipher.ts'
import { addLocationWithRefreshToken, createCallEnvironment } from '../src/services/google-connect.ts'
import { syncGoogleLocation } from '../src/services/google-sync.ts'

const { values: options } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    reviews: { type: 'string', default: '20000' },
    seed: { type: 'string', default: '42' },
    seconds: { type: 'string', default: '5' },
    'skip-memory': { type: 'boolean', default: false },
    'dashboard-reviews': { type: 'string', default: '1000000' },
    'search-reviews': { type: 'string', default: '100000' },
    /** Run one case alone, e.g. `npm run bench -- --only feed-variants --reviews 500` or `--only worst-pack` or `--only tagging`. */
    only: { type: 'string' },
  },
})
const REVIEWS = Number(options.reviews)
const SEED = Number(options.seed)
const SECONDS = Number(options.seconds)
const ROOT = resolve(import.meta.dirname, '..')
const BIN = join(ROOT, 'bin/plaudit.js')
const TSX = ['--import', 'tsx']
const log = (line: string) => process.stderr.write(`${line}\n`)
const dir = mkdtempSync(join(tmpdir(), 'plaudit-bench-'))
const prefix = `plaudit-bench-${process.pid}`
const IMPORT_HEAP_CAP_MB = 64

async function waitForLine(child: ChildProcess, pattern: RegExp, stream: 'stdout' | 'stderr'): Promise<string> {
  for await (const line of createInterface({ input: child[stream]! })) {
    const match = pattern.exec(line)
    if (match) return match[1] ?? line
  }
  throw new Error(`process ended before printing ${pattern}`)
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  await exited
}

async function measurePipeline(redisUrl: string) {
  const dbFile = join(dir, 'pipeline.db')
  const db = openDatabase(dbFile)
  await migrateDatabase(db)
  const csv = join(dir, 'pipeline.csv')
  await writeSyntheticCsv(csv, { count: REVIEWS, seed: SEED })

  // DATABASE_URL too: one set in the shell would otherwise point the workers at another database.
  const env = { ...process.env, DATABASE_URL: `file:${dbFile}`, PLAUDIT_DATABASE_FILE: dbFile, REDIS_URL: redisUrl, PLAUDIT_QUEUE_PREFIX: prefix, LOG_LEVEL: 'info' }
  const workers = [0, 1].map(() => spawn(process.execPath, [BIN, 'worker'], { env, stdio: ['ignore', 'ignore', 'pipe'] }))
  await Promise.all(workers.map((w) => waitForLine(w, /"msg":"worker ready"/, 'stderr')))

  const redis = connectRedis(redisUrl)
  const queue = new JobQueue(redis, prefix)
  const store = new ReviewStore(db)
  const started = performance.now()
  await importReviews(db, {
    file: csv,
    locationId: 'bench',
    analyzeBatchSize: 100,
    now: () => new Date(),
    enqueueAnalysis: async (reviewIds) => {
      await queue.add('analyze-reviews', { locationId: 'bench', reviewIds })
    },
  })
  const imported = performance.now()
  while ((await store.countUnanalyzed('bench')) > 0) await new Promise((r) => setTimeout(r, 10))
  const finished = performance.now()

  await Promise.all(workers.map(stop))
  await queue.queue.obliterate({ force: true })
  await queue.close()
  await redis.quit()
  return {
    db,
    dbFile,
    pipelineReviewsPerSec: REVIEWS / ((finished - started) / 1000),
    importOnlyReviewsPerSec: REVIEWS / ((imported - started) / 1000),
  }
}

function measureTagging() {
  const tag = createTagger(chiropracticPack)
  const random = seededRandom(SEED + 1)
  const texts = Array.from({ length: 20_000 }, (_, i) => syntheticReview(random, i))
  for (const r of texts.slice(0, 2_000)) tag(r.text, r.rating)
  // Baseline in the same run: tokenising the same texts (the tagger's first step), so the ratio
  // holds on a noisy machine where the absolute rate does not.
  for (const r of texts.slice(0, 2_000)) analyse(r.text)
  let started = performance.now()
  let tokens = 0
  for (const r of texts) tokens += analyse(r.text).tokens.length
  const tokenisingSeconds = (performance.now() - started) / 1000
  started = performance.now()
  let mentions = 0
  for (const r of texts) mentions += tag(r.text, r.rating).mentions.length
  const seconds = (performance.now() - started) / 1000
  return {
    taggingReviewsPerSecPerCore: texts.length / seconds,
    tokenisingReviewsPerSecPerCore: texts.length / tokenisingSeconds,
    averageLength: texts.reduce((n, r) => n + r.text.length, 0) / texts.length,
    mentions,
    tokens,
  }
}

/**
 * Issue 13, point 11: one 80-word review tagged with the costliest pack the validator accepts,
 * beside the shipped chiropractic pack on the same review (same run, same machine): median CPU ms.
 */
function measureWorstPackTagging() {
  const shipped = createTagger(chiropracticPack)
  const worst = createTagger(parsePack(worstAcceptedPack()))
  const shippedMs = medianCpuMs(() => shipped(WORST_REVIEW, 5), 51)
  const worstMs = medianCpuMs(() => worst(WORST_REVIEW, 5), 51)
  return { worstPackTagMs: worstMs, shippedPackTagMs: shippedMs, ratio: worstMs / shippedMs }
}

/**
 * Tagging with the learned classifier beside the cues (issue 5): the chiropractic pack with a
 * model trained on 4,000 synthetic reviews labelled by the cues, enough for every classifier to
 * add and veto, so the per-sentence scoring path is what is timed.
 */
function measureLearnedTagging() {
  const cueTag = createTagger(chiropracticPack)
  const random = seededRandom(SEED + 2)
  const training = Array.from({ length: 4_000 }, (_, i) => syntheticReview(random, i))
    .map((r) => ({ text: r.text, themes: Object.keys(cueTag(r.text, r.rating).themes), complete: true }))
  const model = compileModel(trainThemeModels(chiropracticPack.themes.map((t) => t.id), training, { cueFeatures: createCueFeatures(chiropracticPack) }))
  const tag = createTagger(chiropracticPack, model)
  const texts = Array.from({ length: 20_000 }, (_, i) => syntheticReview(random, i))
  for (const r of texts.slice(0, 2_000)) tag(r.text, r.rating)
  const started = performance.now()
  for (const r of texts) tag(r.text, r.rating)
  const seconds = (performance.now() - started) / 1000
  return { taggingLearnedReviewsPerSecPerCore: texts.length / seconds, learnedThemes: model.themeIds.length }
}

async function load(url: string, headers: Record<string, string> = {}): Promise<number> {
  const result = await autocannon({ url, connections: 50, duration: SECONDS, headers })
  return result.requests.average
}

async function readFeed(dbFile: string, slug: string) {
  const db = openDatabase(dbFile)
  try {
    return await loadFeed(db, slug)
  } finally {
    await closeDatabase(db)
  }
}

async function measureFeed(dbFile: string, redisUrl: string) {
  const feed = await readFeed(dbFile, 'home')
  if (!feed) throw new Error('bench: no feed was published')
  const bodyFile = join(dir, 'feed.json')
  writeFileSync(bodyFile, feed.body)

  const serve = async (args: string[]) => {
    const child = spawn(process.execPath, [...TSX, join(ROOT, 'bench/feed-server.ts'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
    const port = await waitForLine(child, /^(\d+)$/, 'stdout')
    return { child, url: `http://127.0.0.1:${port}/api/public/v1/collections/home` }
  }
  const rounds = { baseline200: [] as number[], feed200: [] as number[], baseline304: [] as number[], feed304: [] as number[] }
  for (let round = 0; round < 2; round++) {
    for (const [name, args] of [
      ['baseline', ['bare', bodyFile, feed.etag]],
      ['feed', ['plaudit', dbFile, redisUrl, prefix]],
    ] as const) {
      const server = await serve([...args])
      await load(server.url) // warm-up, not counted
      rounds[`${name}200`].push(await load(server.url))
      rounds[`${name}304`].push(await load(server.url, { 'if-none-match': feed.etag }))
      await stop(server.child)
    }
  }
  const best = (list: number[]) => Math.max(...list)
  return {
    feedBytes: Buffer.byteLength(feed.body),
    feedRps: best(rounds.feed200),
    baselineRps: best(rounds.baseline200),
    feedRatio: best(rounds.feed200) / best(rounds.baseline200),
    feed304Rps: best(rounds.feed304),
    baseline304Rps: best(rounds.baseline304),
    feed304Ratio: best(rounds.feed304) / best(rounds.baseline304),
  }
}

/** Latencies (ms) of GETs from `connections` sequential clients walking `paths` in turn. */
async function latencies(base: string, paths: string[], total: number, connections = 10): Promise<number[]> {
  const { Agent, request } = await import('node:http')
  const agent = new Agent({ keepAlive: true, maxSockets: connections })
  const out: number[] = []
  let next = 0
  const one = (path: string) => new Promise<void>((resolveOne, reject) => {
    const started = performance.now()
    request(`${base}${path}`, { agent, headers: { 'accept-encoding': 'br, gzip' } }, (res) => {
      res.resume()
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`bench: ${path} answered ${res.statusCode}`))
        out.push(performance.now() - started)
        resolveOne()
      })
    }).on('error', reject).end()
  })
  await Promise.all(Array.from({ length: connections }, async () => {
    while (next < total) await one(paths[next++ % paths.length]!)
  }))
  agent.destroy()
  return out
}

const p99 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.99)]!

/**
 * Issue 13: a crawler cycling 300 ordinary query-string variants of the rendered feed (the cache
 * used to empty itself at 200 per feed). Every variant is rendered once, then served from the
 * LRU; p99 beside a single warm variant in the same run.
 */
async function measureFeedVariants(dbFile: string, redisUrl: string) {
  const child = spawn(process.execPath, [...TSX, join(ROOT, 'bench/feed-server.ts'), 'plaudit', dbFile, redisUrl, prefix], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
  const port = await waitForLine(child, /^(\d+)$/, 'stdout')
  const base = `http://127.0.0.1:${port}`
  try {
    const variants: string[] = []
    for (const path of ['/api/public/v1/collections/home.html', '/embed/home']) {
      for (const layout of ['grid', 'list', 'badge']) for (let max = 1; max <= 50; max++) variants.push(`${path}?layout=${layout}&max=${max}`)
    }
    const single = [variants[0]!]
    await latencies(base, single, 500) // warm-up, not counted
    const baseline = await latencies(base, single, 6000)
    const cycling = await latencies(base, variants, 6000)
    return { variants: variants.length, singleP99Ms: p99(baseline), cyclingP99Ms: p99(cycling), ratio: p99(cycling) / p99(baseline) }
  } finally {
    await stop(child)
  }
}

async function measureImportMemory(redisUrl: string) {
  const run = async (megabytes: number) => {
    const file = join(dir, `import-${megabytes}mb.csv`)
    await writeSyntheticCsv(file, { maxBytes: megabytes * 1024 * 1024, seed: SEED + 2 })
    // The heap cap makes "flat" checkable: an import that held the file would die of it.
    const child = spawn(process.execPath, [`--max-old-space-size=${IMPORT_HEAP_CAP_MB}`, ...TSX, join(ROOT, 'bench/import-memory.ts'), file, join(dir, `memory-${megabytes}.db`), redisUrl, `${prefix}-mem${megabytes}`], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const exited = once(child, 'exit')
    const line = await waitForLine(child, /^(\{.*\})$/, 'stdout')
    await exited
    const result = JSON.parse(line) as { rows: number; seconds: number; peakRssMb: number }
    rmSync(file)
    return result
  }
  const small = await run(10)
  const large = await run(100)
  return { importPeakRssMb10MB: small.peakRssMb, importPeakRssMb100MB: large.peakRssMb, importRows100MB: large.rows, importReviewsPerSec100MB: large.rows / large.seconds }
}

/** Requests the fake Google server sees: an unchanged location (target 1) and a full sync of 3 pages. */
async function measureGoogleSync(redisUrl: string) {
  const fake = await new FakeGoogle().start()
  const db = openDatabase(join(dir, 'google.db'))
  await migrateDatabase(db)
  const redis = connectRedis(redisUrl)
  try {
    let now = new Date('2026-11-25T09:00:00Z')
    const call = createCallEnvironment({ redis, prefix: `${prefix}-google`, perMinute: 300, now: () => now, sleep: async () => {} })
    const deps = {
      db,
      endpoints: { clientId: 'bench', clientSecret: 'bench', apiRoot: fake.url, tokenUrl: `${fake.url}/token`, authUrl: `${fake.url}/auth` },
      cipher: new TokenCipher(randomBytes(32)),
      call,
      enqueueAnalysis: async () => {},
      announceFeed: async () => {},
    }
    const { locationId } = await addLocationWithRefreshToken(deps, { googleName: LOCATION, refreshToken: REFRESH_TOKEN })
    await syncGoogleLocation(deps, { locationId, full: false })
    now = new Date(now.getTime() + 30 * 60_000)
    let before = fake.count()
    await syncGoogleLocation(deps, { locationId, full: false })
    const googleUnchangedSyncRequests = fake.count() - before
    fake.pageSize = 2
    before = fake.count()
    await syncGoogleLocation(deps, { locationId, full: true })
    return { googleUnchangedSyncRequests, googleFullSync3PagesRequests: fake.count() - before }
  } finally {
    await redis.quit()
    await fake.stop()
    await closeDatabase(db)
  }
}

async function main() {
  if (options.only === 'tagging') {
    const t = measureTagging()
    console.log(`| tagging alone, one core | ${Math.round(t.taggingReviewsPerSecPerCore)} reviews/s (×${(t.taggingReviewsPerSecPerCore / t.tokenisingReviewsPerSecPerCore).toFixed(2)} of tokenising alone, ${Math.round(t.tokenisingReviewsPerSecPerCore)} reviews/s) | ≥ 20,000 |`)
    return
  }
  if (options.only === 'worst-pack') {
    const w = measureWorstPackTagging()
    console.log(`| tagging one 80-word review, costliest accepted pack | ${w.worstPackTagMs.toFixed(2)} ms (×${w.ratio.toFixed(1)} the shipped pack's ${w.shippedPackTagMs.toFixed(2)} ms) | ≤ 5 ms |`)
    return
  }
  let redisUrl = config().redisUrl
  let stopRedis = () => {}
  if (!(await redisAnswers(redisUrl))) {
    const privateRedis = await startPrivateRedis(config().executablePath)
    if (!privateRedis) throw new Error(`bench: no Redis at ${redisUrl} and no redis-server to start`)
    redisUrl = privateRedis.url
    stopRedis = privateRedis.stop
  }
  try {
    log(`pipeline: ${REVIEWS} synthetic reviews (seed ${SEED}) → import → queue → 2 worker processes → SQLite`)
    const pipeline = await measurePipeline(redisUrl)
    await curateDemoCollections(pipeline.db, 'bench', 'bench', new Date('2026-01-01T00:00:00Z'))
    await publishFeed(pipeline.db, 'home', new Date('2026-01-01T00:00:00Z'))
    log('rendered feed: 300 distinct query-string variants cycled vs one warm variant, 10 connections, 6000 requests each')
    const variants = await measureFeedVariants(pipeline.dbFile, redisUrl)
    const variantRows: Array<[string, string, string]> = [
      ['rendered feed p99, one warm variant', `${variants.singleP99Ms.toFixed(2)} ms`, ''],
      [`rendered feed p99, ${variants.variants} variants cycled`, `${variants.cyclingP99Ms.toFixed(2)} ms (×${variants.ratio.toFixed(2)})`, '≤ 20 ms'],
    ]
    if (options.only === 'feed-variants') {
      console.log(['| measure | figure | target |', '|---|---|---|', ...variantRows.map(([a, b, c]) => `| ${a} | ${b} | ${c} |`)].join('\n'))
      return
    }
    log('tagging alone, one core')
    const tagging = measureTagging()
    log('tagging one 80-word review with the costliest pack the validator accepts, beside the shipped pack')
    const worstPack = measureWorstPackTagging()
    log('tagging with the learned classifier, one core')
    const learned = measureLearnedTagging()
    log(`feed vs bare node:http, autocannon 50 connections, ${SECONDS}s per run, best of 2`)
    const feed = await measureFeed(pipeline.dbFile, redisUrl)
    // The bytes the server sends, compressed at start-up exactly as served.
    const widget = loadPublicAssets().get('/widget.js')!
    const widgetGzipBytes = widget.gzip.length
    const feedCompressed = precompress(Buffer.from((await readFeed(pipeline.dbFile, 'home'))!.body))
    const searchReviews = Number(options['search-reviews'])

    log(`curation search: ${searchReviews} synthetic reviews, tagged; FTS5 words, theme, polarity, stars, dates, source`)

    const search = await measureCurationSearch(dir, searchReviews, SEED)
    let memory: Record<string, number> = {}
    if (!options['skip-memory']) {
      log(`import memory: 10 MB and 100 MB CSV files, JS heap capped at ${IMPORT_HEAP_CAP_MB} MB, peak RSS of the importing process`)
      memory = await measureImportMemory(redisUrl)
    }
    // issue 8: dashboard reads over 1M reviews and 5 years (rollups seeded directly: see bench/dashboard.ts)
    const DASHBOARD_REVIEWS = Number(options['dashboard-reviews'])
    log(`dashboard: rollups of ${DASHBOARD_REVIEWS} simulated reviews over 5 years, p95 of 200 reads`)
    const dashboard = await measureDashboard(join(dir, 'dashboard.db'), { reviews: DASHBOARD_REVIEWS, seed: SEED })
    log('Google sync against the fake server: requests for an unchanged location and a 3-page full sync')
    const google = await measureGoogleSync(redisUrl)
    const figures = {
      pipelineReviewsPerSec: Math.round(pipeline.pipelineReviewsPerSec),
      importOnlyReviewsPerSec: Math.round(pipeline.importOnlyReviewsPerSec),
      taggingReviewsPerSecPerCore: Math.round(tagging.taggingReviewsPerSecPerCore),
      tokenisingReviewsPerSecPerCore: Math.round(tagging.tokenisingReviewsPerSecPerCore),
      taggingLearnedReviewsPerSecPerCore: Math.round(learned.taggingLearnedReviewsPerSecPerCore),
      feedRps: Math.round(feed.feedRps),
      baselineRps: Math.round(feed.baselineRps),
      feedRatio: Number(feed.feedRatio.toFixed(3)),
      feed304Rps: Math.round(feed.feed304Rps),
      baseline304Rps: Math.round(feed.baseline304Rps),
      feed304Ratio: Number(feed.feed304Ratio.toFixed(3)),
      feedBytes: feed.feedBytes,
      widgetGzipBytes,
      widgetBrotliBytes: widget.brotli.length,
      feedGzipBytes: feedCompressed.gzip.length,
      feedBrotliBytes: feedCompressed.brotli.length,
      curationSearchP50Ms: Number(search.curationSearchP50Ms.toFixed(2)),
      curationSearchP95Ms: Number(search.curationSearchP95Ms.toFixed(2)),
      curationSearchReviews: search.curationSearchReviews,
      ...Object.fromEntries(Object.entries(memory).map(([k, v]) => [k, Math.round(v)])),
      ...google,
      reviews: REVIEWS,
      seed: SEED,
      dashboardTrendP95Ms: Number(dashboard.trendP95Ms.toFixed(2)),
      dashboardPeriodP95Ms: Number(dashboard.periodP95Ms.toFixed(2)),
      dashboardReviews: DASHBOARD_REVIEWS,
      dashboardRollupRows: dashboard.reviewRows + dashboard.themeRows,
      worstPackTagMs: Number(worstPack.worstPackTagMs.toFixed(2)),
      shippedPackTagMs: Number(worstPack.shippedPackTagMs.toFixed(2)),
      renderedFeedSingleP99Ms: Number(variants.singleP99Ms.toFixed(2)),
      renderedFeed300VariantsP99Ms: Number(variants.cyclingP99Ms.toFixed(2)),
    }
    const rows: Array<[string, string, string]> = [
      ['import → tagged, 2 workers', `${figures.pipelineReviewsPerSec} reviews/s`, '≥ 2,000 (issue), ≥ 5,000 (DESIGN)'],
      ['import alone (no tagging)', `${figures.importOnlyReviewsPerSec} reviews/s`, ''],
      ['tagging alone, one core', `${figures.taggingReviewsPerSecPerCore} reviews/s (×${(figures.taggingReviewsPerSecPerCore / figures.tokenisingReviewsPerSecPerCore).toFixed(2)} of tokenising alone, ${figures.tokenisingReviewsPerSecPerCore}/s)`, '≥ 20,000 (issue 14), ≥ 10,000 (DESIGN)'],
      ['tagging one 80-word review, costliest accepted pack', `${figures.worstPackTagMs} ms (×${(figures.worstPackTagMs / figures.shippedPackTagMs).toFixed(1)} the shipped pack's ${figures.shippedPackTagMs} ms)`, '≤ 5 ms'],
      ['tagging with the learned classifier, one core', `${figures.taggingLearnedReviewsPerSecPerCore} reviews/s`, '≥ 10,000'],
      ['feed GET 200', `${figures.feedRps} req/s`, ''],
      ['bare node:http, same bytes', `${figures.baselineRps} req/s`, ''],
      ['feed ratio 200', `${figures.feedRatio}`, '≥ 0.7'],
      ['feed ratio 304', `${figures.feed304Ratio}`, '≥ 0.7'],
      ['widget.js gzipped', `${figures.widgetGzipBytes} bytes`, '≤ 10 KB'],
      ['widget.js brotli', `${figures.widgetBrotliBytes} bytes`, ''],
      ['feed raw / gzip / brotli', `${figures.feedBytes} / ${figures.feedGzipBytes} / ${figures.feedBrotliBytes} bytes`, ''],
      [`dashboard theme trend, 5 years, ${DASHBOARD_REVIEWS} reviews, p95`, `${figures.dashboardTrendP95Ms} ms`, '≤ 50 ms'],
      [`dashboard 365 days vs previous 365, p95`, `${figures.dashboardPeriodP95Ms} ms`, ''],
      [`curation search p50, ${figures.curationSearchReviews} reviews`, `${figures.curationSearchP50Ms} ms`, ''],
      [`curation search p95, ${figures.curationSearchReviews} reviews`, `${figures.curationSearchP95Ms} ms`, '≤ 30 ms'],
      ...variantRows,
      ['Google sync, unchanged location', `${figures.googleUnchangedSyncRequests} request(s)`, '1'],
      ['Google full sync, 3 pages', `${figures.googleFullSync3PagesRequests} request(s)`, '3'],
    ]
    if (memory.importPeakRssMb100MB !== undefined) {
      rows.push([`import peak RSS, 10 MB file, heap cap ${IMPORT_HEAP_CAP_MB} MB`, `${Math.round(memory.importPeakRssMb10MB!)} MB`, ''])
      rows.push([`import peak RSS, 100 MB file, heap cap ${IMPORT_HEAP_CAP_MB} MB`, `${Math.round(memory.importPeakRssMb100MB)} MB`, 'flat (≈ the 10 MB figure)'])
    }
    const width = Math.max(...rows.map((r) => r[0].length))
    const valueWidth = Math.max(...rows.map((r) => r[1].length))
    const table = ['| measure | figure | target |', '|---|---|---|', ...rows.map(([a, b, c]) => `| ${a.padEnd(width)} | ${b.padStart(valueWidth)} | ${c} |`)].join('\n')
    console.log(table)
    if (options.json) console.log(JSON.stringify(figures))
  } finally {
    stopRedis()
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
