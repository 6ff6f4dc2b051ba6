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
