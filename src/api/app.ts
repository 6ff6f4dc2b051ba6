import express from 'express'
import type { Redis } from 'ioredis'
import type { Db } from '../db/database.ts'
import type { Logger } from '../logging.ts'
import { requireAdminKey } from './auth.ts'
import type { LoginLimiter } from '../services/accounts.ts'
import { accountRoutes } from './routes/accounts.ts'
import { appPages } from './routes/pages.ts'
import { workspaceRoutes } from './routes/workspace.ts'
import { roleGuard } from './session-auth.ts'
import { errorHandler, HttpError } from './http.ts'
import { curationRoutes } from './routes/curation.ts'
import { homePage } from './routes/home.ts'
import { operationsRoutes } from './routes/operations.ts'
import { reviewRoutes } from './routes/reviews.ts'

export interface AppDependencies {
  db: Db
  redis: Redis
  logger: Logger
  adminApiKey: string | undefined
  themeIds: string[]
  locationIds: () => string[]
  now: () => Date
  republish: (slug: string) => Promise<void>
  // Issue 6: accounts and the curation workspace
  loginLimiter: LoginLimiter
  /** Adds `Secure` to the session cookie (behind TLS). */
  secureCookies: boolean
}

export function createApp(deps: AppDependencies): express.Express {
  const app = express()
  app.disable('x-powered-by')
  app.set('query parser', 'simple')
  app.use(express.json({ limit: '100kb' }))

  const requireKey = requireAdminKey(deps.adminApiKey)
  // Sessions, scoped API keys, or the config admin key (as an owner).
  const requireRole = roleGuard({ db: deps.db, adminApiKey: deps.adminApiKey, now: deps.now })
  const operations = operationsRoutes(deps.db, deps.redis, requireKey)

  app.get('/', homePage(deps.db, deps.locationIds))
  app.get('/healthz', operations.health)
  app.use('/api/v1', reviewRoutes(deps.db, deps.themeIds))
  app.use('/api/v1', curationRoutes({ db: deps.db, requireWrite: requireRole('marketing'), now: deps.now, republish: deps.republish }))
  app.use('/api/v1', accountRoutes({ db: deps.db, now: deps.now, limiter: deps.loginLimiter, secureCookies: deps.secureCookies, requireRole }))
  app.use('/api/v1', workspaceRoutes({ db: deps.db, themeIds: deps.themeIds, now: deps.now, republish: deps.republish, requireRole }))
  app.use(appPages({ db: deps.db, adminApiKey: deps.adminApiKey, now: deps.now }))
  app.use('/api/v1', operations.router)
  app.use((req, _res, next) => next(new HttpError(404, 'not_found', `no route for ${req.method} ${req.path}`)))
  app.use(errorHandler(deps.logger))
  return app
}
