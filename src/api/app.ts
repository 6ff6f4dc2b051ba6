import express from 'express'
import type { Redis } from 'ioredis'
import type { Db } from '../db/database.ts'
import type { Logger } from '../logging.ts'
import { requireAdminKey, requireOwnerPage } from './auth.ts'
import { errorHandler, HttpError } from './http.ts'
import { curationRoutes } from './routes/curation.ts'
import { homePage } from './routes/home.ts'
import { operationsRoutes } from './routes/operations.ts'
import { reviewRoutes } from './routes/reviews.ts'
import { settingsRoutes, type SettingsDependencies } from './routes/settings.ts'
import { handle } from './http.ts'
import { placesFallback, type PlacesSettings } from '../services/places-fallback.ts'

export interface AppDependencies {
  db: Db
  redis: Redis
  logger: Logger
  adminApiKey: string | undefined
  themeIds: string[]
  locationIds: () => string[]
  now: () => Date
  republish: (slug: string) => Promise<void>
  /** Google connection settings (issue 4); absent, /app/settings is not served. */
  google?: SettingsDependencies
  /** Places API (New) display-time fallback (issue 4). */
  places?: PlacesSettings
}

export function createApp(deps: AppDependencies): express.Express {
  const app = express()
  app.disable('x-powered-by')
  app.set('query parser', 'simple')
  app.use(express.json({ limit: '100kb' }))

  const requireKey = requireAdminKey(deps.adminApiKey)
  const operations = operationsRoutes(deps.db, deps.redis, requireKey)

  app.get('/', homePage(deps.db, deps.locationIds))
  app.get('/healthz', operations.health)
  app.use('/api/v1', reviewRoutes(deps.db, deps.themeIds))
  app.use('/api/v1', curationRoutes({ db: deps.db, requireWrite: requireKey, now: deps.now, republish: deps.republish }))
  app.use('/api/v1', operations.router)
  if (deps.google) app.use('/app/settings', requireOwnerPage(deps.adminApiKey), settingsRoutes(deps.google))
  if (deps.places) {
    const places = deps.places
    // Public and read-only like the feeds, but fetched from Google at display time and never stored.
    app.get(
      '/api/public/v1/locations/:id/google-reviews',
      (_req, res, next) => {
        res.set({ 'access-control-allow-origin': '*', 'cache-control': 'no-store' })
        next()
      },
      handle((req) => placesFallback(deps.db, places, req.params.id as string)),
    )
  }
  app.use((req, _res, next) => next(new HttpError(404, 'not_found', `no route for ${req.method} ${req.path}`)))
  app.use(errorHandler(deps.logger))
  return app
}
