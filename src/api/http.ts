import type { NextFunction, Request, RequestHandler, Response } from 'express'
import type { z } from 'zod'
import { ForbiddenError, NotFoundError, RuleViolationError, TooManyAttemptsError, UnauthenticatedError } from '../services/errors.ts'
import type { Logger } from '../logging.ts'
import { isDatabaseUnavailable } from '../db/database.ts'

/** An error with the HTTP status and a message safe to show the caller. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message)
  }
}

export interface RequestParts {
  params: Record<string, string>
  query: Record<string, unknown>
  body: unknown
}

/** Names the parameter and the value that failed, e.g. `sort: must be one of newest, oldest (got "random")`. */
export function describeIssues(issues: z.core.$ZodIssue[], input: Record<string, unknown>): string {
  return issues
    .map((issue) => {
      const name = issue.path.join('.')
      if (issue.code === 'unrecognized_keys') return `unknown parameter ${issue.keys.map((k) => `"${k}"`).join(', ')}`
      const given = issue.path.length > 0 ? (issue.path as PropertyKey[]).reduce<unknown>((value, key) => (value as Record<PropertyKey, unknown> | undefined)?.[key], input) : undefined
      return `${name || 'body'}: ${issue.message}${given === undefined ? '' : ` (got ${JSON.stringify(given)})`}`
    })
    .join('; ')
}

export function parseOr400<T>(schema: z.ZodType<T>, input: Record<string, unknown>, status = 400): T {
  const parsed = schema.safeParse(input)
  if (!parsed.success) throw new HttpError(status, 'invalid_request', describeIssues(parsed.error.issues, input))
  return parsed.data
}

/** Adapts a use case to a route: the handler returns the JSON body; errors go to errorHandler. */
export function handle(work: (req: Request, res: Response) => unknown | Promise<unknown>, status = 200): RequestHandler {
  return async (req, res, next) => {
    try {
      const body = await work(req, res)
      if (!res.headersSent) res.status(status).json(body)
    } catch (error) {
      next(error)
    }
  }
}

/**
 * A request we cannot read (bad percent-encoding, a body in an encoding or charset we do not
 * take, a body that is not what it says): the caller's mistake, so a 400 naming the part, and an
 * info line rather than an error with a stack. `null` for every other error.
 */
function unreadableRequest(error: unknown): HttpError | null {
  if (error instanceof URIError) {
    // The router decodes path parameters; its message names the parameter's raw text.
    return new HttpError(400, 'invalid_path', `path: malformed percent-encoding (${error.message})`)
  }
  const bodyError = error as { type?: unknown; status?: unknown; expose?: unknown; message?: unknown }
  if (typeof bodyError.type !== 'string' || typeof bodyError.status !== 'number' || typeof bodyError.message !== 'string') return null
  switch (bodyError.type) {
    case 'encoding.unsupported': // body-parser: `unsupported content encoding "foo"`
      return new HttpError(400, 'invalid_body', `Content-Encoding: ${bodyError.message}; send identity, gzip, deflate or br`)
    case 'charset.unsupported': // body-parser: `unsupported charset "LATIN-9"`
      return new HttpError(400, 'invalid_body', `Content-Type: ${bodyError.message}; send utf-8`)
    case 'entity.parse.failed':
    case 'entity.too.large':
      return new HttpError(bodyError.status, 'invalid_body', bodyError.message)
    default:
      // Other client-side body failures from body-parser/raw-body (aborted, wrong length): status as given.
      return bodyError.expose === true && bodyError.status >= 400 && bodyError.status < 500 ? new HttpError(bodyError.status, 'invalid_body', bodyError.message) : null
  }
}

export function errorHandler(logger: Logger) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const unreadable = unreadableRequest(error)
    if (unreadable) {
      logger.info({ method: req.method, status: unreadable.status, error: unreadable.code, reason: unreadable.message }, 'unreadable request refused')
      error = unreadable
    }
    if (error instanceof HttpError) {
      res.status(error.status).json({ error: error.code, message: error.message, details: error.details })
      return
    }
    if (error instanceof NotFoundError) {
      res.status(404).json({ error: 'not_found', message: error.message })
      return
    }
    if (error instanceof UnauthenticatedError) {
      res.status(401).json({ error: 'unauthorized', message: error.message })
      return
    }
    if (error instanceof ForbiddenError) {
      res.status(403).json({ error: 'forbidden', message: error.message })
      return
    }
    if (error instanceof TooManyAttemptsError) {
      res.status(429).set('retry-after', String(error.retryAfterSeconds)).json({ error: 'too_many_attempts', message: error.message })
      return
    }
    if (error instanceof RuleViolationError) {
      res.status(422).json({ error: 'rule_violation', message: error.message })
      return
    }
    // Busy (SQLite's write lock held past the busy timeout) or unreachable (PostgreSQL down, pool
    // exhausted): the request may succeed shortly, so say when to retry rather than fail it.
    if (isDatabaseUnavailable(error)) {
      res.status(503).set('retry-after', '2').json({ error: 'busy', message: 'the database is busy; retry shortly' })
      return
    }
    logger.error({ err: error instanceof Error ? { message: error.message, stack: error.stack } : error }, 'request failed')
    res.status(500).json({ error: 'internal', message: 'something went wrong on our side' })
  }
}
