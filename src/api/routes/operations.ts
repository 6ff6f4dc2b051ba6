import { Router, type RequestHandler } from 'express'
import type { Redis } from 'ioredis'
import { isDatabaseHealthy, type Db } from '../../db/database.ts'
import { listConnections } from '../../db/stores/google.ts'
import { getImportReport } from '../../db/stores/imports.ts'
import { listJobFailures } from '../../db/stores/job-failures.ts'
import { handle, HttpError } from '../http.ts'

const REDIS_PING_TIMEOUT_MS = 1000

async function isRedisHealthy(redis: Redis): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), REDIS_PING_TIMEOUT_MS)
  })
  try {
    return await Promise.race([redis.ping().then((reply) => reply === 'PONG'), timeout])
  } catch {
    return false
  } finally {
    clearTimeout(timer)
  }
}

export function operationsRoutes(db: Db, redis: Redis, requireRead: RequestHandler): { health: RequestHandler; router: Router } {
  const health: RequestHandler = async (_req, res) => {
    const [database, redisUp] = await Promise.all([isDatabaseHealthy(db), isRedisHealthy(redis)])
    const checks = { database, redis: redisUp }
    const down = Object.entries(checks).filter(([, ok]) => !ok).map(([name]) => name)
    // Google connections that need the owner to connect again: the service is up, the sync is paused.
    const google = checks.database ? await googleHealth(db) : null
    const degraded = down.length === 0 && google !== null && google.needsReauth.length > 0
    res
      .status(down.length === 0 ? 200 : 503)
      .set('cache-control', 'no-store')
      .json({
        status: down.length > 0 ? 'unavailable' : degraded ? 'degraded' : 'ok',
        checks,
        ...(google && { google }),
        ...(down.length > 0 && { message: `${down.join(' and ')} not answering` }),
        ...(degraded && { message: `Google connection needs re-authorisation: ${google.needsReauth.map((c) => c.label).join(', ')} (see /app/settings)` }),
      })
  }

  const router = Router()
  router.get(
    '/imports/:id',
    requireRead,
    handle(async (req) => {
      const report = await getImportReport(db, req.params.id as string)
      if (!report) throw new HttpError(404, 'not_found', `import "${req.params.id}" does not exist`)
      return { import: report }
    }),
  )
  router.get(
    '/job-failures',
    requireRead,
    handle(async () => ({ failures: await listJobFailures(db) })),
  )
  return { health, router }
}

async function googleHealth(db: Db): Promise<{ connections: number; needsReauth: Array<{ id: string; label: string; error: string | null }> } | null> {
  const connections = await listConnections(db)
  if (connections.length === 0) return null
  return {
    connections: connections.length,
    needsReauth: connections.filter((c) => c.status === 'needs_reauth').map((c) => ({ id: c.id, label: c.label, error: c.lastError })),
  }
}
