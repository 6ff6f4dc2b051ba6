import { createHash, timingSafeEqual } from 'node:crypto'
import type { Request, RequestHandler } from 'express'
import { HttpError } from './http.ts'

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest()
}

/**
 * Until accounts exist, write endpoints take the admin API key from config. Both sides are hashed
 * first so the comparison takes the same time whatever the length or content of the guess.
 */
export function requireAdminKey(adminApiKey: string | undefined): RequestHandler {
  const expected = adminApiKey ? digest(adminApiKey) : null
  return (req, _res, next) => {
    if (!expected) return next(new HttpError(503, 'not_configured', 'write access is disabled: set PLAUDIT_ADMIN_API_KEY'))
    const header = req.get('authorization') ?? ''
    const given = header.startsWith('Bearer ') ? header.slice(7) : (req.get('x-api-key') ?? '')
    if (given === '' || !timingSafeEqual(digest(given), expected)) {
      return next(new HttpError(401, 'unauthorized', 'a valid API key is required (Authorization: Bearer <key>)'))
    }
    next()
  }
}

// ---- issue 8: who may read the dashboard until accounts exist -------------------------------
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1'])
const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip']

/**
 * The dashboard is open to a browser on the same machine (an SSH tunnel, `npm run demo`) and to
 * callers with the admin API key. A request that came through a proxy carries forwarding headers
 * and is not trusted as local, even though the proxy itself connects from loopback.
 */
export function requireLocalOrAdminKey(adminApiKey: string | undefined, signedIn: (req: Request) => boolean | Promise<boolean> = () => false): RequestHandler {
  const keyCheck = requireAdminKey(adminApiKey)
  return async (req, res, next) => {
    try {
      if (await signedIn(req)) return next()
    } catch (error) {
      return next(error)
    }
    const local = LOOPBACK.has(req.socket.remoteAddress ?? '') && PROXY_HEADERS.every((name) => req.get(name) === undefined)
    if (local) return next()
    if (!adminApiKey) return next(new HttpError(403, 'local_only', 'the dashboard is readable only from this machine until accounts exist; set PLAUDIT_ADMIN_API_KEY to read it with the key'))
    keyCheck(req, res, next)
  }
}

/**
 * The owner's settings pages (connections): an owner signed in with a session; marketing never.
 * For servers set up before any account exists: HTTP Basic with any user name and the admin key
 * as password (a browser can send it; it cannot send a Bearer header); with no key at all, only
 * requests from this machine. A session's form posts must come from our own origin (the form
 * cannot carry the CSRF header; SameSite=Lax and this Origin check stand in for it).
 */
export function requireOwnerPage(
  adminApiKey: string | undefined,
  sessionRole: (req: Request) => 'owner' | 'marketing' | null | Promise<'owner' | 'marketing' | null> = () => null,
): RequestHandler {
  const expected = adminApiKey ? digest(adminApiKey) : null
  return async (req, res, next) => {
    let role: 'owner' | 'marketing' | null
    try {
      role = await sessionRole(req)
    } catch (error) {
      return next(error)
    }
    if (role === 'marketing') return next(new HttpError(403, 'forbidden', 'connections are managed by an owner'))
    if (role === 'owner') {
      const origin = req.get('origin')
      if (req.method !== 'GET' && req.method !== 'HEAD' && origin !== undefined && origin !== `${req.protocol}://${req.get('host')}`) {
        return next(new HttpError(403, 'csrf', 'a settings form must be posted from this site'))
      }
      return next()
    }
    if (!expected) {
      const ip = req.socket.remoteAddress ?? ''
      if (ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1') return next()
      res.status(403).type('text/plain').send('The settings page answers only on this machine until PLAUDIT_ADMIN_API_KEY is set.')
      return
    }
    const header = req.get('authorization') ?? ''
    let given = ''
    if (header.startsWith('Basic ')) {
      const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8')
      given = decoded.slice(decoded.indexOf(':') + 1)
    } else if (header.startsWith('Bearer ')) {
      given = header.slice(7)
    }
    if (given !== '' && timingSafeEqual(digest(given), expected)) return next()
    res.status(401).set('www-authenticate', 'Basic realm="Plaudit settings", charset="UTF-8"').type('text/plain').send('Sign in with any user name and the admin API key as password.')
  }
}
