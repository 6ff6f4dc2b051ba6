/** Errors of the Google adapter, each saying what the sync must do next. */

/** invalid_grant (a 401 answered by a refused refresh): the owner must connect again; no further requests for this connection. */
export class GoogleReauthRequiredError extends Error {
  override name = 'GoogleReauthRequiredError'
}

/** 400, 403, 404 and the like: retrying cannot help. Carries Google's own message. */
export class GooglePermanentError extends Error {
  override name = 'GooglePermanentError'
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message)
  }
}

/** 429 or 5xx still failing after every retry this job may make. */
export class GoogleUnavailableError extends Error {
  override name = 'GoogleUnavailableError'
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message)
  }
}

/** A body that is cut short or is not the JSON Google documents. */
export class GoogleBadResponseError extends Error {
  override name = 'GoogleBadResponseError'
}

/** Google's error message from its JSON error envelope, or a short note when there is none. */
export function googleMessage(body: unknown, status: number): string {
  if (typeof body === 'string') {
    try {
      return googleMessage(JSON.parse(body), status)
    } catch {
      return `HTTP ${status}`
    }
  }
  if (body && typeof body === 'object') {
    const error = (body as { error?: unknown; error_description?: unknown }).error
    if (typeof error === 'string') {
      const description = (body as { error_description?: unknown }).error_description
      return typeof description === 'string' ? `${error}: ${description}` : error
    }
    if (error && typeof error === 'object') {
      const { message, status: statusName } = error as { message?: unknown; status?: unknown }
      if (typeof message === 'string') return typeof statusName === 'string' ? `${statusName}: ${message}` : message
    }
  }
  return `HTTP ${status}`
}
