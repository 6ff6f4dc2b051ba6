import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Redis } from 'ioredis'
import { feedChannel } from '../jobs/contracts.ts'
import type { Db } from '../db/database.ts'
import { listLocationIds } from '../db/stores/locations.ts'
import type { Logger } from '../logging.ts'
import { publishFeed } from '../services/feed-publisher.ts'
import { createApp, type AppDependencies } from './app.ts'
import { loadPublicAssets } from './assets.ts'
import { FeedCache } from './feed-cache.ts'
import { DEFAULT_LOGIN_LIMITS, redisLoginLimiter, type LoginLimits } from './login-limiter.ts'
import { createPublicHandler } from './public-handler.ts'

const RELOAD_ATTEMPTS = 5
const RELOAD_RETRY_MS = 1000

export interface ApiServerOptions {
  db: Db
  redis: Redis
  prefix: string
  logger: Logger
  adminApiKey: string | undefined
  themeIds: string[]
  /** issue 8: theme labels for the dashboard; the ids when absent. */
  themeLabels?: Array<{ id: string; label: string }>
  now: () => Date
  port: number
  host: string
  ratingStructuredData?: boolean
  /** Issue 6: `Secure` session cookies (behind TLS) and the login limits (tests lower them). */
  secureCookies?: boolean
  loginLimits?: LoginLimits
  google?: AppDependencies['google']
  places?: AppDependencies['places']
  /** Issue 13: PLAUDIT_TRUST_PROXY (false: the socket address is the client). */
  trustProxy?: AppDependencies['trustProxy']
  /** Issue 13: a client that trickles its headers, or its whole request, is dropped after these. */
  headersTimeoutMs?: number
  requestTimeoutMs?: number
  /** Issue 13: the address links in rendered feeds point to; http://localhost:<port> when absent (development). */
  publicBaseUrl?: string
  placesLimits?: AppDependencies['placesLimits']
}

export const DEFAULT_HEADERS_TIMEOUT_MS = 20_000
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000

export interface RunningApi {
  server: Server
  /** The Express app behind the public handler (tests walk its routes). */
  app: ReturnType<typeof createApp>
  url: string
  feeds: FeedCache
  /** Settles once this process listens for feeds rebuilt elsewhere. */
  subscribed: Promise<void>
  close: () => Promise<void>
}

/**
 * The HTTP server: public reads (feeds, widget script) are answered from ready bytes ahead of
 * Express; everything else goes through the Express app.
 */
export async function startApiServer(options: ApiServerOptions): Promise<RunningApi> {
  const { db, redis, logger } = options
  const channel = feedChannel(options.prefix)
  const feeds = new FeedCache(db)
  await feeds.loadAll()

  /** Until a rebuilt feed is read, this process serves the previous bytes: a failed read is tried again. */
  let closed = false
  const retries = new Set<NodeJS.Timeout>()
  const reload = (slug: string, attempt = 1): void => {
    feeds.reload(slug).catch((error: Error) => {
      if (closed) return
      logger.warn({ err: error.message, slug, attempt }, 'could not read a rebuilt feed')
      if (attempt >= RELOAD_ATTEMPTS) return
      const timer = setTimeout(() => {
        retries.delete(timer)
        reload(slug, attempt + 1)
      }, RELOAD_RETRY_MS * attempt)
      retries.add(timer)
    })
  }
  const subscriber = redis.duplicate()
  subscriber.on('error', (error) => logger.warn({ err: error.message }, 'feed subscription error'))
  subscriber.on('message', (_channel: string, slug: string) => reload(slug))
  // The API serves its feeds without Redis; ioredis subscribes again whenever it reconnects.
  const subscribed = subscriber.subscribe(channel).then(
    () => undefined,
    (error: Error) => logger.warn({ err: error.message }, 'feed subscription failed; will retry on reconnect'),
  )

  const republish = async (slug: string) => {
    const feed = await publishFeed(db, slug, options.now())
    if (!feed) return
    feeds.put(feed)
    if (feed.changed) await redis.publish(channel, slug)
  }

  const app = createApp({
    db,
    redis,
    logger,
    adminApiKey: options.adminApiKey,
    themeIds: options.themeIds,
    ...(options.themeLabels && { themeLabels: options.themeLabels }),
    locationIds: async () => listLocationIds(db),
    now: options.now,
    republish,
    ratingStructuredData: options.ratingStructuredData,
    loginLimiter: redisLoginLimiter(redis, options.prefix, options.loginLimits ?? DEFAULT_LOGIN_LIMITS),
    secureCookies: options.secureCookies ?? false,
    queuePrefix: options.prefix,
    ...(options.google && { google: options.google }),
    ...(options.places && { places: options.places }),
    trustProxy: options.trustProxy ?? false,
    ...(options.placesLimits && { placesLimits: options.placesLimits }),
  })
  const requestTimeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS
  const headersTimeout = Math.min(options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS, requestTimeout)
  // Node checks both limits every connectionsCheckingInterval (30 s by default), which would let a
  // slow client hold its socket up to twice the limit; check often enough to cut it near the limit.
  const connectionsCheckingInterval = Math.max(25, Math.min(1000, Math.floor(headersTimeout / 4)))
  // Set as soon as the port is known (the default public address names it), before any request
  // can be read: requests are I/O events, and none runs before the code after listen().
  let handlePublicRead: ReturnType<typeof createPublicHandler> | undefined
  const server = createServer({ requestTimeout, headersTimeout, connectionsCheckingInterval }, (req, res) => {
    if (!handlePublicRead!(req, res)) app(req, res)
  })
  server.keepAliveTimeout = 65_000

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => resolve())
  })
  const address = server.address() as AddressInfo
  handlePublicRead = createPublicHandler(feeds, loadPublicAssets(), options.publicBaseUrl ?? `http://localhost:${address.port}`)
  const host = options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host
  return {
    server,
    app,
    url: `http://${host}:${address.port}`,
    feeds,
    subscribed,
    close: async () => {
      closed = true
      for (const timer of retries) clearTimeout(timer)
      server.closeIdleConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      subscriber.disconnect()
    },
  }
}
