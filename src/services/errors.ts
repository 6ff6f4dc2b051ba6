/** What a use case can refuse, in words a caller can show; src/api maps these to HTTP statuses. */
export class NotFoundError extends Error {
  override name = 'NotFoundError'
}

export class RuleViolationError extends Error {
  override name = 'RuleViolationError'
}
