import express from 'express'
import type { Redis } from 'ioredis'
import type { Db } from '../db/database.ts'
import type { Logger } from '../logging.ts'
import { localSetupCheck, requireAdminKey, requireOwnerPage, requireSignedInOrLocalSetup } from './auth.ts'
import type { LoginLimiter } from '../services/accounts.ts'
import { accountRoutes } from './routes/accounts.ts'
import { appPages } from './routes/pages.ts'
import { workspaceRoutes } from './routes/workspace.ts'
import { authenticate, readCookie, roleGuard, SESSION_COOKIE } from './session-auth.ts'
import { ownerExists, principalForSession } from '../services/accounts.ts'
import { errorHandler, HttpError } from './http.ts'
import { curationRoutes } from './routes/curation.ts'
import { allReviewsPage } from './routes/all-reviews.ts'
import { dashboardRoutes } from './routes/dashboard.ts'
import { homePage } from './routes/home.ts'
import { operationsRoutes } from './routes/operations.ts'
import { reviewRoutes } from './routes/reviews.ts'
import { themePackRoutes } from './routes/theme-packs.ts'
import { JobQueue, backfillJobId } from '../jobs/queue.ts'
import { settingsRoutes, type SettingsDependencies } from './routes/settings.ts'
import { handle } from './http.ts'
import { createPlacesFallback, type PlacesSettings } from '../services/places-fallback.ts'
import { DEFAULT_PLACES_LIMITS, placesRateLimit, redisPlacesCache, type PlacesLimits } from './places-guard.ts'

export interface AppDependencies {
  db: Db
  redis: Redis
  logger: Logger
  adminApiKey: string | undefined
  themeIds: string[]
  /** Theme ids with the labels the owner reads (issue 8); defaults to the ids themselves. */
  themeLabels?: Array<{ id: string; label: string }>
  locationIds: () => Promise<string[]>
  now: () => Date
  republish: (slug: string) => Promise<void>
  /** JSON-LD AggregateRating on the all-reviews page (off by default: see all-reviews.ts). */
  ratingStructuredData?: boolean
  // Issue 6: accounts and the curation workspace
  loginLimiter: LoginLimiter
  /** Adds `Secure` to the session cookie (behind TLS). */
  secureCookies: boolean
  /** BullMQ key prefix, for queueing theme backfills from the API */
  queuePrefix?: string
  /** Google connection settings (issue 4); absent, /app/settings is not served. */
  google?: SettingsDependencies
  /** Places API (New) display-time fallback (issue 4). */
  places?: PlacesSettings
  /** Issue 13: which proxies may name the client (PLAUDIT_TRUST_PROXY); false by default. */
  trustProxy?: false | number | string
  /** Issue 13: per-address limit and cache time of the Places fallback (tests lower them). */
  placesLimits?: PlacesLimits
}

/** Headers every Express response starts with; a public route replaces cache-control with its own. */
function baseHeaders(secureCookies: boolean): express.RequestHandler {
  const headers: Record<string, string> = {
    'x-content-type-options': 'nosniff',
    // Private by default: a response is cached only where a route says so (all-reviews page, assets).
    'cache-control': 'no-store',
    ...(secureCookies && { 'strict-transport-security': 'max-age=31536000' }),
  }
  return (_req, res, next) => {
    res.set(headers)
    next()
  }
}

export function createApp(deps: AppDependencies): express.Express {
  const app = express()
  app.disable('x-powered-by')
  app.set('query parser', 'simple')
  app.set('trust proxy', deps.trustProxy ?? false)
  app.use(baseHeaders(deps.secureCookies))
  app.use(express.json({ limit: '100kb' }))

  const requireKey = requireAdminKey(deps.adminApiKey)
  // Sessions, scoped API keys, or the config admin key (as an owner).
  const requireRole = roleGuard({ db: deps.db, adminApiKey: deps.adminApiKey, now: deps.now })
  const operations = operationsRoutes(deps.db, deps.redis, requireKey)
  const localSetup = localSetupCheck(() => ownerExists(deps.db))

  app.get('/', homePage(deps.db, deps.locationIds))
  app.get('/healthz', operations.health)
  app.get('/reviews/:locationId', allReviewsPage({ db: deps.db, themeIds: deps.themeIds, now: deps.now, ratingStructuredData: deps.ratingStructuredData ?? false }))
  // Names, external ids and links of reviewers: people and keys only (the public page has none of them).
  app.use('/api/v1', reviewRoutes(deps.db, deps.themeIds, requireRole('marketing')))
  app.use('/api/v1', curationRoutes({ db: deps.db, requireWrite: requireRole('marketing'), now: deps.now, republish: deps.republish }))
  app.use('/api/v1', accountRoutes({ db: deps.db, now: deps.now, limiter: deps.loginLimiter, secureCookies: deps.secureCookies, requireRole }))
  app.use('/api/v1', workspaceRoutes({ db: deps.db, themeIds: deps.themeIds, now: deps.now, republish: deps.republish, requireRole }))
  app.use(appPages({ db: deps.db, adminApiKey: deps.adminApiKey, now: deps.now }))
  app.use('/api/v1', operations.router)
  // issue 8: owner dashboard; issue 13: open on this machine only until the first owner exists
  const dashboard = dashboardRoutes({
    db: deps.db,
    themes: deps.themeLabels ?? deps.themeIds.map((id) => ({ id, label: id })),
    now: deps.now,
    // Owners and marketing signed in (or with a scoped key or the admin key) read it anywhere.
    requireRead: requireSignedInOrLocalSetup(localSetup, async (req) => {
      try {
        return (await authenticate({ db: deps.db, adminApiKey: deps.adminApiKey, now: deps.now }, req)) !== null
      } catch {
        return false
      }
    }),
  })
  app.use('/app', dashboard.page)
  app.use('/api/v1', dashboard.api)
  // theme engine (issue 5)
  let queue: JobQueue | undefined
  const jobQueue = () => (queue ??= new JobQueue(deps.redis, deps.queuePrefix ?? 'plaudit'))
  app.use('/api/v1', themePackRoutes({
    db: deps.db,
    requireRead: requireRole('marketing'),
    requireWrite: requireKey,
    now: deps.now,
    enqueueBackfill: async (id) => {
      await jobQueue().addBackfill(id)
    },
    backfillProgress: async (id) => (await jobQueue().queue.getJob(backfillJobId(id)))?.progress ?? null,
  }))
  if (deps.google) {
    const sessionRole = async (req: express.Request) => {
      const token = readCookie(req, SESSION_COOKIE)
      return token ? ((await principalForSession(deps.db, token, deps.now()))?.role ?? null) : null
    }
    app.use('/app/settings', requireOwnerPage(deps.adminApiKey, sessionRole, localSetup), settingsRoutes(deps.google))
  }
  if (deps.places) {
    // Public and read-only like the feeds, but fetched from Google at display time (a billed call,
    // hence the limit per address and the cache per Place) and never stored.
    const limits = deps.placesLimits ?? DEFAULT_PLACES_LIMITS
    const prefix = deps.queuePrefix ?? 'plaudit'
    const placesFallback = createPlacesFallback(deps.db, deps.places, redisPlacesCache(deps.redis, prefix, limits.cacheSeconds))
    app.get(
      '/api/public/v1/locations/:id/google-reviews',
      (_req, res, next) => {
        res.set({ 'access-control-allow-origin': '*', 'cache-control': 'no-store' })
        next()
      },
      placesRateLimit(deps.redis, prefix, limits),
      handle((req) => placesFallback(req.params.id as string)),
    )
  }
  app.use((req, _res, next) => next(new HttpError(404, 'not_found', `no route for ${req.method} ${req.path}`)))
  app.use(errorHandler(deps.logger))
  return app
}
