import { createHash, timingSafeEqual } from 'node:crypto'
import type { RequestHandler } from 'express'
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

/**
 * The owner's settings pages (issue 4), until accounts exist: with an admin key, HTTP Basic with
 * any user name and the key as password (a browser can send it; it cannot send a Bearer header);
 * without one, only requests from this machine are served.
 */
export function requireOwnerPage(adminApiKey: string | undefined): RequestHandler {
  const expected = adminApiKey ? digest(adminApiKey) : null
  return (req, res, next) => {
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
