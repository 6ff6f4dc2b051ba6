import { gzipSync } from 'node:zlib'
import { Router, type Request, type RequestHandler, type Response } from 'express'
import { z } from 'zod'
import { PERIOD_PRESETS, type PeriodChoice } from '../../domain/dashboard.ts'
import { POLARITIES } from '../../domain/review.ts'
import type { Db } from '../../db/database.ts'
import { listLocationIds } from '../../db/stores/locations.ts'
import { CSV_TABLES, dashboardCsv, dashboardFigures, reviewsBehind, type ThemeLabel } from '../../services/dashboard.ts'
import { renderDashboardPage, DASHBOARD_CSP } from '../dashboard-page.ts'
import { handle, HttpError, parseOr400 } from '../http.ts'

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD').refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'is not a calendar date')
const MAX_DAYS = 3660

const periodFields = {
  period: z.enum([...PERIOD_PRESETS, 'custom']).default('90'),
  from: day.optional(),
  to: day.optional(),
}

function toChoice(q: { period: string; from?: string; to?: string }): PeriodChoice {
  if (q.period !== 'custom') return { preset: q.period as (typeof PERIOD_PRESETS)[number] }
  if (!q.from || !q.to) throw new HttpError(400, 'invalid_request', 'from, to: a custom period needs both dates (YYYY-MM-DD)')
  if (q.from > q.to) throw new HttpError(400, 'invalid_request', `from: must not be after to (got "${q.from}" > "${q.to}")`)
  if ((Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 >= MAX_DAYS) throw new HttpError(400, 'invalid_request', `from, to: at most ${MAX_DAYS} days`)
  return { from: q.from, to: q.to }
}

/** The page repeats its table markup a lot (≈ 190 KB for a year of the demo data, ≈ 10 KB gzipped). */
function sendHtml(req: Request, res: Response, headers: Record<string, string>, html: string): void {
  res.status(200).set({ ...headers, vary: 'Accept-Encoding' })
  if (req.acceptsEncodings('gzip') === 'gzip') res.set('content-encoding', 'gzip').send(gzipSync(html))
  else res.send(html)
}

export interface DashboardRouteDeps {
  db: Db
  themes: ThemeLabel[]
  now: () => Date
  requireRead: RequestHandler
}

/**
 * The owner dashboard: the page (/app/dashboard), its CSV tables, and the JSON behind it
 * (/api/v1/locations/:id/dashboard, …/dashboard/reviews for the drill-down).
 */
export function dashboardRoutes(deps: DashboardRouteDeps): { page: Router; api: Router } {
  const { db, themes, now } = deps
  const themeIds = themes.map((t) => t.id) as [string, ...string[]]

  const figuresQuery = z.strictObject(periodFields)
  const pageQuery = z.strictObject({ ...periodFields, location: z.string().max(64).optional() })
  const csvQuery = z.strictObject({ ...periodFields, location: z.string().max(64), table: z.enum(CSV_TABLES) })
  const drillQuery = z.strictObject({
    from: day,
    to: day,
    theme: z.enum(themeIds).optional(),
    polarity: z.enum(POLARITIES).optional(),
    rating: z.enum(['1', '2', '3', '4', '5']).transform(Number).optional(),
    limit: z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().min(1).max(200)).default(50),
  })
  const query = (req: Request) => req.query as Record<string, unknown>

  const api = Router()
  api.get(
    '/locations/:locationId/dashboard',
    deps.requireRead,
    handle(async (req) => dashboardFigures(db, { locationId: req.params.locationId as string, choice: toChoice(parseOr400(figuresQuery, query(req))), now: now(), themes })),
  )
  api.get(
    '/locations/:locationId/dashboard/reviews',
    deps.requireRead,
    handle(async (req) => {
      const q = parseOr400(drillQuery, query(req))
      if (q.polarity && !q.theme) throw new HttpError(400, 'invalid_request', 'polarity: needs a theme')
      const { from, to, limit, ...filters } = q
      return reviewsBehind(db, { locationId: req.params.locationId as string, range: { from, to }, limit, ...filters })
    }),
  )

  const page = Router()
  page.get('/dashboard', deps.requireRead, async (req, res, next) => {
    try {
      const q = parseOr400(pageQuery, query(req))
      const at = now()
      const locations = await listLocationIds(db)
      const locationId = q.location ?? locations[0]
      const headers = { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': DASHBOARD_CSP, 'x-content-type-options': 'nosniff', 'referrer-policy': 'same-origin', 'cache-control': 'no-store' }
      if (!locationId) {
        sendHtml(req, res, headers, renderDashboardPage({ figures: null, locations, query: q, now: at }))
        return
      }
      const figures = await dashboardFigures(db, { locationId, choice: toChoice(q), now: at, themes })
      sendHtml(req, res, headers, renderDashboardPage({ figures, locations, query: q, now: at }))
    } catch (error) {
      next(error)
    }
  })
  page.get('/dashboard/export.csv', deps.requireRead, async (req, res, next) => {
    try {
      const q = parseOr400(csvQuery, query(req))
      const csv = await dashboardCsv(db, { locationId: q.location, choice: toChoice(q), now: now(), themes }, q.table)
      const name = `plaudit-${q.location.replace(/[^A-Za-z0-9_-]/g, '_')}-${q.table}.csv`
      res.status(200).set({ 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}"`, 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' }).send(csv)
    } catch (error) {
      next(error)
    }
  })
  return { page, api }
}
