import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startApiServer } from '../../api/server.ts'
import { feedChannel } from '../../jobs/contracts.ts'
import { JobQueue } from '../../jobs/queue.ts'
import { ensureLocation } from '../../db/stores/locations.ts'
import { ReviewStore } from '../../db/stores/reviews.ts'
import { curateDemoCollections } from '../../services/demo-collections.ts'
import { publishFeed } from '../../services/feed-publisher.ts'
import { runWorker } from '../../workers/run.ts'
import { REDIS_HELP, redisAnswers, startPrivateRedis } from '../private-redis.ts'
import { closeRuntime, onShutdown, openRedis, openRuntime, systemClock } from '../runtime.ts'
import { describeImport, runImport } from './import.ts'
import { config as readConfig } from '../../config.ts'
import { demoTokenKey, startDemoGoogle, type DemoGoogle } from './demo-google.ts'

export const DEMO_LOCATION = 'demo-clinic'
const SAMPLE_FILE = resolve(dirname(fileURLToPath(import.meta.url)), '../../../samples/clinic-reviews.csv')

const say = (line: string) => process.stdout.write(`${line}\n`)

/**
 * The whole product on one machine: migrate, import the sample reviews, tag them through the real
 * queue and worker, curate demo collections, then serve the site until stopped.
 */
export async function runDemo(): Promise<void> {
  // PLAUDIT_DEMO_GOOGLE=1: a fake Google location, connected and syncing (issue 4). Its tokens are
  // fake, so without a configured key the demo's own database uses a fixed demo key.
  const wanted = readConfig()
  // Redis first: a machine without it is told how to get one before anything touches the database.
  let redisUrl = wanted.redisUrl
  let stopPrivateRedis = () => {}
  let redisLine = `[2/5] redis answers at ${redisUrl}`
  if (!(await redisAnswers(redisUrl))) {
    const privateRedis = await startPrivateRedis(wanted.executablePath)
    if (!privateRedis) {
      process.stderr.write(`${REDIS_HELP}\n`)
      process.exit(1)
    }
    redisUrl = privateRedis.url
    stopPrivateRedis = privateRedis.stop
    redisLine = `[2/5] nothing answered at ${wanted.redisUrl}; started a private redis-server at ${redisUrl} (no persistence, stops with the demo)`
  }
  const runtime = await openRuntime(wanted.google.demo && !wanted.google.tokenKey ? { google: { ...wanted.google, tokenKey: demoTokenKey() } } : {}).catch((error: unknown) => {
    stopPrivateRedis()
    throw error
  })
  const { config, logger, db } = runtime
  const demoGoogle: DemoGoogle | null = config.google.demo ? await startDemoGoogle(runtime) : null
  // The file on SQLite; on PostgreSQL where it lives, without credentials.
  say(`[1/5] database ready: ${db.dialect === 'sqlite' ? config.databaseFile : db.description}`)
  say(redisLine)

  runtime.config = { ...config, redisUrl }

  const redis = openRedis(runtime)
  const worker = runWorker({ db, redis, prefix: config.queuePrefix, analyzer: runtime.analyzer, concurrency: 1, logger, now: systemClock, ...(demoGoogle && { google: demoGoogle.worker }) })
  await ensureLocation(db, { id: DEMO_LOCATION, name: 'Demo chiropractic clinic, San Francisco' })

  say(`[3/5] importing ${SAMPLE_FILE}`)
  const result = await runImport(runtime, SAMPLE_FILE, DEMO_LOCATION, (line) => say(`      ${line}`))
  say(describeImport(result).replace(/^/gm, '      '))

  const queue = new JobQueue(redis, config.queuePrefix, (error) => logger.warn({ err: error.message }, 'queue connection error'))
  const reviews = new ReviewStore(db)
  for (;;) {
    const left = await reviews.countUnanalyzed(DEMO_LOCATION)
    const pending = await queue.pendingCount()
    say(`[4/5] tagging themes in the worker: ${left} reviews left, ${pending} jobs queued`)
    if (left === 0 && pending === 0) break
    await new Promise((resolve) => setTimeout(resolve, 250))
  }

  const collections = await curateDemoCollections(db, DEMO_LOCATION, 'demo', systemClock())
  for (const c of collections) {
    await publishFeed(db, c.slug, systemClock())
    await redis.publish(feedChannel(config.queuePrefix), c.slug)
  }
  say(`[5/5] collections: ${collections.map((c) => `${c.slug} (${c.testimonialIds.length} testimonials)`).join(', ')}`)
  if (demoGoogle) {
    say(`[google] fake Google server at ${demoGoogle.fake.url} (PLAUDIT_DEMO_GOOGLE=1); connecting its location and syncing through the worker`)
    say(`[google] demo-google-location: ${await demoGoogle.connectAndSync(redis, queue)}; ${demoGoogle.fake.count('reviews')} review request(s) so far`)
  }

  const api = await startApiServer({
    db,
    redis,
    prefix: config.queuePrefix,
    logger,
    adminApiKey: config.adminApiKey,
    themeIds: runtime.analyzer.pack.themes.map((t) => t.id),
    themeLabels: runtime.analyzer.pack.themes.map((t) => ({ id: t.id, label: t.label })),
    now: systemClock,
    port: config.port,
    host: config.host,
    ratingStructuredData: config.ratingStructuredData,
    trustProxy: config.trustProxy,
    headersTimeoutMs: config.headersTimeoutMs,
    requestTimeoutMs: config.requestTimeoutMs,
    ...(demoGoogle && { google: demoGoogle.settings(redis, queue) }),
  })
  say(`\nPlaudit is running: ${api.url}  (Ctrl+C to stop)`)
  say(`Owner dashboard: ${api.url}/app/dashboard`)
  if (demoGoogle) say(`Google settings (fake Google): ${api.url}/app/settings`)

  onShutdown(logger, async () => {
    await api.close()
    await worker.close()
    await queue.close()
    await redis.quit()
    await closeRuntime(runtime)
    stopPrivateRedis()
    await demoGoogle?.stop()
  })
}
