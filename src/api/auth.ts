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

// ---- issue 8, hardened in issue 13: the open set-up window before the first owner ----------
const LOOPBACK_ADDRESSES = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1'])
const LOCAL_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1'])
const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-real-ip']

/**
 * Whether a browser on this very machine sent the request. The address alone is not enough: a
 * reverse proxy on the same host connects from loopback too, and a DNS-rebinding page reaches us
 * from the victim's own browser on loopback under the attacker's name. So the Host must be one of
 * ours, and, unless PLAUDIT_TRUST_PROXY names the proxy (then `req.ip` is the forwarded client),
 * any forwarding header marks the request as relayed.
 */
export function isLocalRequest(req: Request): boolean {
  const proxyTrusted = req.app.get('trust proxy') !== false
  if (!proxyTrusted && PROXY_HEADERS.some((name) => req.get(name) !== undefined)) return false
  const address = (proxyTrusted ? req.ip : req.socket.remoteAddress) ?? ''
  return LOOPBACK_ADDRESSES.has(address) && LOCAL_HOSTNAMES.has((req.hostname ?? '').toLowerCase())
}

export type LocalSetupCheck = (req: Request) => Promise<boolean>

/**
 * Set-up mode (`npm run demo`, an SSH tunnel before `plaudit users add`): while no owner account
 * exists, a request from this machine under a local Host name may read the loopback-open pages.
 * From the first owner on, every such page needs a session or a key. Once an owner is seen it is
 * remembered: the last owner cannot be removed.
 */
export function localSetupCheck(ownerExists: () => Promise<boolean>): LocalSetupCheck {
  let ownerSeen = false
  return async (req) => {
    if (!isLocalRequest(req)) return false
    if (!ownerSeen) ownerSeen = await ownerExists()
    return !ownerSeen
  }
}

/**
 * The dashboard and its JSON: a signed-in person or a key (`signedIn`), or set-up mode on this
 * machine (`localSetup`). Anything else is refused without saying what the page holds.
 */
export function requireSignedInOrLocalSetup(localSetup: LocalSetupCheck, signedIn: (req: Request) => Promise<boolean>): RequestHandler {
  return async (req, _res, next) => {
    try {
      if (await signedIn(req)) return next()
      if (await localSetup(req)) return next()
    } catch (error) {
      return next(error)
    }
    next(new HttpError(401, 'unauthorized', 'sign in, or send an API key (Authorization: Bearer <key>); without an owner account yet, open it on this machine at http://localhost'))
  }
}

/**
 * The owner's settings pages (connections): an owner signed in with a session; marketing never.
 * Otherwise: HTTP Basic with any user name and the admin key as password (a browser can send it;
 * it cannot send a Bearer header); with no key at all, set-up mode on this machine only. A session's form posts must come from our own origin (the form
 * cannot carry the CSRF header; SameSite=Lax and this Origin check stand in for it).
 */
export function requireOwnerPage(
  adminApiKey: string | undefined,
  sessionRole: (req: Request) => 'owner' | 'marketing' | null | Promise<'owner' | 'marketing' | null>,
  localSetup: LocalSetupCheck,
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
      let local: boolean
      try {
        local = await localSetup(req)
      } catch (error) {
        return next(error)
      }
      if (local) return next()
      res.status(403).type('text/plain').send('Sign in as an owner. Before the first owner account exists, the settings page answers only on this machine at http://localhost.')
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
