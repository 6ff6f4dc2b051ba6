/** What a use case can refuse, in words a caller can show; src/api maps these to HTTP statuses. */
export class NotFoundError extends Error {
  override name = 'NotFoundError'
}

export class RuleViolationError extends Error {
  override name = 'RuleViolationError'
}

/** Credentials missing or wrong (401). */
export class UnauthenticatedError extends Error {
  override name = 'UnauthenticatedError'
}

/** Signed in, but the role does not allow this (403). */
export class ForbiddenError extends Error {
  override name = 'ForbiddenError'
}

/** Too many attempts; retry after the given seconds (429). */
export class TooManyAttemptsError extends Error {
  override name = 'TooManyAttemptsError'
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message)
  }
}
