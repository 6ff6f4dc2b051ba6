import { Router, type RequestHandler, type Response } from 'express'
import { z } from 'zod'
import { ROLES, type Role } from '../../domain/access.ts'
import { csvLine } from '../../domain/csv.ts'
import type { Db } from '../../db/database.ts'
import { listAudit } from '../../db/stores/audit-read.ts'
import {
  addUser,
  createApiKey,
  enableTotp,
  listApiKeys,
  listUsers,
  login,
  logout,
  newTotpSecret,
  removeUser,
  revokeKey,
  SESSION_HOURS,
  type LoginLimiter,
} from '../../services/accounts.ts'
import { handle, HttpError, parseOr400 } from '../http.ts'
import { CSRF_HEADER, principalOf, readCookie, SESSION_COOKIE } from '../session-auth.ts'

const loginInput = z.strictObject({ email: z.string().trim().min(3).max(254), password: z.string().min(1).max(1024), totp: z.string().regex(/^\d{6}$/, 'must be 6 digits').optional() })
const addUserInput = z.strictObject({ email: z.string().trim().min(3).max(254), role: z.enum(ROLES), password: z.string().min(1).max(1024) })
const addKeyInput = z.strictObject({ name: z.string().trim().min(1).max(80), scope: z.enum(ROLES) })
const totpConfirmInput = z.strictObject({ secret: z.string().regex(/^[A-Z2-7]{16,64}$/), code: z.string().regex(/^\d{6}$/) })
const auditQuery = z.strictObject({
  format: z.enum(['json', 'csv']).default('json'),
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
  limit: z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().min(1).max(100_000)).default(1000),
})

function originHost(origin: string): string | null {
  try {
    return new URL(origin).host
  } catch {
    return null // "null" and other opaque origins are never ours
  }
}

export interface AccountDependencies {
  db: Db
  now: () => Date
  limiter: LoginLimiter
  secureCookies: boolean
  requireRole: (role: Role) => RequestHandler
}

export function accountRoutes({ db, now, limiter, secureCookies, requireRole }: AccountDependencies): Router {
  const router = Router()
  const cookie = (value: string, maxAgeSeconds: number) =>
    `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secureCookies ? '; Secure' : ''}`
  const actorOf = (res: Response) => principalOf(res).actor

  router.post(
    '/session',
    handle(async (req, res) => {
      // Login CSRF: a browser names the page that sent the form; only our own pages may sign in.
      const origin = req.get('origin')
      if (origin && originHost(origin) !== req.get('host')) throw new HttpError(403, 'csrf', `sign-in from another site (${origin}) is refused`)
      const input = parseOr400(loginInput, (req.body ?? {}) as Record<string, unknown>)
      const session = await login(db, limiter, { ...input, address: req.ip ?? req.socket.remoteAddress ?? 'unknown' }, now())
      res.set('set-cookie', cookie(session.token, SESSION_HOURS * 3600))
      return { user: session.user, csrfToken: session.csrfToken, csrfHeader: CSRF_HEADER }
    }, 201),
  )
  router.get(
    '/session',
    requireRole('marketing'),
    handle((_req, res) => {
      const principal = principalOf(res)
      return { role: principal.role, actor: principal.actor, csrfToken: principal.csrfToken, csrfHeader: CSRF_HEADER }
    }),
  )
  router.delete(
    '/session',
    requireRole('marketing'),
    handle(async (req, res) => {
      const token = readCookie(req, SESSION_COOKIE)
      if (token) await logout(db, token, now())
      res.set('set-cookie', cookie('', 0))
      return { signedOut: true }
    }),
  )

  router.get('/users', requireRole('owner'), handle(async () => ({ users: await listUsers(db) })))
  router.post(
    '/users',
    requireRole('owner'),
    handle(async (req, res) => ({ user: await addUser(db, parseOr400(addUserInput, (req.body ?? {}) as Record<string, unknown>), actorOf(res), now()) }), 201),
  )
  router.delete(
    '/users/:id',
    requireRole('owner'),
    handle(async (req, res) => {
      const id = req.params.id as string
      if (principalOf(res).userId === id) throw new HttpError(422, 'rule_violation', 'you cannot remove yourself; ask another owner')
      await removeUser(db, id, actorOf(res), now())
      return { removed: id }
    }),
  )
  router.post(
    '/users/me/totp',
    requireRole('owner'),
    handle((_req, res) => {
      if (!principalOf(res).userId) throw new HttpError(422, 'rule_violation', 'a second factor belongs to a signed-in owner, not a key')
      return newTotpSecret(principalOf(res).actor.replace(/^user:/, ''))
    }),
  )
  router.post(
    '/users/me/totp/confirm',
    requireRole('owner'),
    handle(async (req, res) => {
      const input = parseOr400(totpConfirmInput, (req.body ?? {}) as Record<string, unknown>)
      const userId = principalOf(res).userId
      if (!userId) throw new HttpError(422, 'rule_violation', 'a second factor belongs to a signed-in owner, not a key')
      await enableTotp(db, userId, input.secret, input.code, now())
      return { totpEnabled: true }
    }),
  )

  router.get('/api-keys', requireRole('owner'), handle(async () => ({ apiKeys: await listApiKeys(db) })))
  router.post(
    '/api-keys',
    requireRole('owner'),
    handle(async (req, res) => {
      const { key, record } = await createApiKey(db, parseOr400(addKeyInput, (req.body ?? {}) as Record<string, unknown>), principalOf(res), now())
      res.set('cache-control', 'no-store')
      return { apiKey: record, key, note: 'shown once: only its hash is kept' }
    }, 201),
  )
  router.post('/api-keys/:id/revoke', requireRole('owner'), handle(async (req, res) => ({ apiKey: await revokeKey(db, req.params.id as string, actorOf(res), now()) })))

  router.get(
    '/audit',
    requireRole('owner'),
    handle(async (req, res) => {
      const query = parseOr400(auditQuery, req.query as Record<string, unknown>)
      const entries = await listAudit(db, { from: query.from, to: query.to, limit: query.limit, order: query.format === 'csv' ? 'oldest' : 'newest' })
      if (query.format === 'json') return { entries }
      const csv = csvLine(['id', 'at', 'actor', 'action', 'subject', 'before', 'after']) + entries.map((e) => csvLine([e.id, e.at, e.actor, e.action, e.subject, e.before, e.after])).join('')
      res.status(200).set({ 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="plaudit-audit.csv"' }).send(csv)
      return undefined
    }),
  )
  return router
}
