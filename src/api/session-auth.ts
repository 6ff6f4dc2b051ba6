import { createHash, timingSafeEqual } from 'node:crypto'
import type { Request, RequestHandler, Response } from 'express'
import { satisfies, type Role } from '../domain/access.ts'
import type { Db } from '../db/database.ts'
import { principalForApiKey, principalForSession, type Principal } from '../services/accounts.ts'
import { HttpError } from './http.ts'

export const SESSION_COOKIE = 'plaudit_session'
export const CSRF_HEADER = 'x-csrf-token'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])
const digest = (value: string) => createHash('sha256').update(value).digest()
const sameSecret = (a: string, b: string) => timingSafeEqual(digest(a), digest(b))

export interface AuthSettings {
  db: Db
  /** The bootstrap/automation key from config: acts as an owner. */
  adminApiKey: string | undefined
  now: () => Date
}

/** A cookie's value; a value with broken percent-encoding is the caller's mistake (400), not ours. */
export function readCookie(req: Request, name: string): string | null {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const at = part.indexOf('=')
    if (at > 0 && part.slice(0, at).trim() === name) {
      const raw = part.slice(at + 1).trim()
      try {
        return decodeURIComponent(raw)
      } catch {
        throw new HttpError(400, 'invalid_cookie', `cookie ${name}: malformed percent-encoding (got ${JSON.stringify(raw.slice(0, 80))})`)
      }
    }
  }
  return null
}

export function bearerToken(req: Request): string | null {
  const header = req.get('authorization') ?? ''
  const given = header.startsWith('Bearer ') ? header.slice(7) : (req.get('x-api-key') ?? '')
  return given === '' ? null : given
}

/**
 * Who is calling: the config admin key (owner), a scoped API key, or a browser session. A session
 * must echo its CSRF token on every state-changing request; keys travel in a header a cross-site
 * form cannot set, so they need none.
 */
export async function authenticate(settings: AuthSettings, req: Request): Promise<Principal | null> {
  const key = bearerToken(req)
  if (key !== null) {
    if (settings.adminApiKey && sameSecret(key, settings.adminApiKey)) return { role: 'owner', actor: 'admin-api-key', userId: null, csrfToken: null }
    const principal = await principalForApiKey(settings.db, key)
    if (!principal) throw new HttpError(401, 'unauthorized', 'that API key is unknown or revoked')
    return principal
  }
  const token = readCookie(req, SESSION_COOKIE)
  if (!token) return null
  const principal = await principalForSession(settings.db, token, settings.now())
  if (!principal) return null
  if (!SAFE_METHODS.has(req.method)) {
    const given = req.get(CSRF_HEADER) ?? ''
    if (given === '' || !sameSecret(given, principal.csrfToken!)) throw new HttpError(403, 'csrf', `a state-changing request needs the session's CSRF token in the ${CSRF_HEADER} header`)
  }
  return principal
}

export function principalOf(res: Response): Principal {
  const principal = res.locals.principal as Principal | undefined
  if (!principal) throw new Error('principalOf called on a route without requireRole')
  return principal
}

/** `requireRole('marketing')` admits marketing and owners; `requireRole('owner')` only owners. */
export function roleGuard(settings: AuthSettings) {
  return (needed: Role): RequestHandler =>
    async (req, res, next) => {
      try {
        const principal = await authenticate(settings, req)
        if (!principal) return next(new HttpError(401, 'unauthorized', 'sign in, or send an API key (Authorization: Bearer <key>)'))
        if (!satisfies(principal.role, needed)) return next(new HttpError(403, 'forbidden', `this needs the ${needed} role; you are ${principal.role}`))
        res.locals.principal = principal
        next()
      } catch (error) {
        next(error)
      }
    }
}
