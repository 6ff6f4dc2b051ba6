import { createHash, randomBytes } from 'node:crypto'
import { Secret, TOTP } from 'otpauth'
import type { Role } from '../domain/access.ts'
import type { Db } from '../db/database.ts'
import {
  claimTotpStep,
  deleteExpiredSessions,
  deleteSession,
  deleteSessionsOf,
  deleteUser,
  findActiveApiKey,
  findSession,
  findUserByEmail,
  getUser,
  insertApiKey,
  insertSession,
  insertUser,
  listApiKeys,
  listUsers,
  lockOwnerIds,
  revokeApiKey,
  revokeApiKeysOf,
  setTotpSecret,
  type ApiKeyRecord,
  type User,
  countOwners,
} from '../db/stores/accounts.ts'
import { recordAudit } from '../db/stores/audit.ts'
import { NotFoundError, RuleViolationError, TooManyAttemptsError, UnauthenticatedError } from './errors.ts'
import { DECOY_HASH, hashPassword, MIN_PASSWORD_LENGTH, verifyPassword, type ScryptCost } from './passwords.ts'

export type { ApiKeyRecord, User }

/** Who did something, as the audit log names them. */
export interface Principal {
  role: Role
  actor: string
  userId: string | null
  /** Present for browser sessions: state-changing requests must echo it. */
  csrfToken: string | null
  /** The person whose authority this carries: the signed-in user, or the user a key was made for. A key made from it is theirs too. */
  onBehalfOf?: string | null
}

export const SESSION_HOURS = 12

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url')
const normalizeEmail = (email: string) => email.trim().toLowerCase()

/** `passwordCost` lowers scrypt's cost in tests only; production uses the OWASP default. */
export async function addUser(db: Db, params: { email: string; role: Role; password: string; passwordCost?: ScryptCost }, actor: string, now: Date): Promise<User> {
  const email = normalizeEmail(params.email)
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new RuleViolationError(`email: not an e-mail address (got ${JSON.stringify(params.email)})`)
  if (params.password.length < MIN_PASSWORD_LENGTH) throw new RuleViolationError(`password must be at least ${MIN_PASSWORD_LENGTH} characters`)
  if (await findUserByEmail(db, email)) throw new RuleViolationError(`a user with e-mail ${email} already exists`)
  const user = await insertUser(db, { email, role: params.role, passwordHash: await hashPassword(params.password, params.passwordCost), now })
  await recordAudit(db, { at: now, actor, action: 'user.add', subject: user.id, after: { email, role: user.role } })
  return user
}

/**
 * Removes a person with everything that carries their authority: their sessions end and the API
 * keys made in their name are revoked, in one transaction, and the audit log lists them. The owners
 * are locked first, so two removals at once (in two processes) cannot both take the last but one.
 */
export async function removeUser(db: Db, id: string, actor: string, now: Date): Promise<void> {
  await db.transaction(async (tx) => {
    const owners = await lockOwnerIds(tx)
    const user = await getUser(tx, id)
    if (!user) throw new NotFoundError(`user ${id} does not exist`)
    if (user.role === 'owner' && owners.every((ownerId) => ownerId === id)) throw new RuleViolationError('the last owner cannot be removed')
    const sessionsEnded = await deleteSessionsOf(tx, id)
    const keys = await revokeApiKeysOf(tx, id, now)
    await deleteUser(tx, id)
    for (const key of keys) {
      await recordAudit(tx, { at: now, actor, action: 'api-key.revoke', subject: key.id, before: { name: key.name, scope: key.scope }, after: { reason: `${user.email} was removed` } })
    }
    await recordAudit(tx, {
      at: now,
      actor,
      action: 'user.remove',
      subject: id,
      before: { email: user.email, role: user.role },
      after: { sessionsEnded, apiKeysRevoked: keys.map((key) => key.id) },
    })
  })
}

export { listUsers }

/** Whether anyone can sign in as an owner yet: until then the set-up pages answer on this machine. */
export async function ownerExists(db: Db): Promise<boolean> {
  return (await countOwners(db)) > 0
}

/**
 * Sign-in attempts per account and per address. An attempt is paid for before the password is
 * checked, so guesses sent in parallel cost one each; a success gets its attempt back.
 */
export interface LoginLimiter {
  /** Spends one attempt of the account and one of the address; throws TooManyAttemptsError (spending nothing) when either has none left. */
  reserve(email: string, address: string): Promise<void>
  /** Gives back the attempt `reserve` spent, after a successful sign-in. */
  release(email: string, address: string): Promise<void>
}

export interface LoginInput {
  email: string
  password: string
  totp?: string | undefined
  address: string
}

export interface NewSession {
  token: string
  csrfToken: string
  user: User
  expiresAt: Date
}

/**
 * Checks the password (and an owner's TOTP code when enabled) and opens a server-side session.
 * Unknown addresses cost the same scrypt time as known ones, and say the same thing.
 */
export async function login(db: Db, limiter: LoginLimiter, input: LoginInput, now: Date): Promise<NewSession> {
  const email = normalizeEmail(input.email)
  await limiter.reserve(email, input.address)
  const found = await findUserByEmail(db, email)
  const passwordOk = await verifyPassword(input.password, found?.passwordHash ?? DECOY_HASH)
  const totpStep = found?.totpSecret && input.totp !== undefined ? acceptedTotpStep(found.totpSecret, input.totp, now) : null
  // The step is spent only with the right password, so nobody else can burn the owner's codes.
  const totpReplayed = found !== null && passwordOk && totpStep !== null && !(await claimTotpStep(db, found.id, totpStep))
  const totpOk = !found?.totpSecret || (totpStep !== null && !totpReplayed)
  if (!found || !passwordOk || !totpOk) {
    await recordAudit(db, { at: now, actor: `address:${input.address}`, action: 'session.login-failed', subject: email })
    if (found && passwordOk && totpReplayed) throw new UnauthenticatedError('that one-time code has been used already; wait for the next one')
    if (found && passwordOk && !totpOk) throw new UnauthenticatedError('a valid one-time code from your authenticator is required')
    throw new UnauthenticatedError('wrong e-mail or password')
  }
  await limiter.release(email, input.address)
  await deleteExpiredSessions(db, now)
  const token = randomBytes(32).toString('base64url')
  const csrfToken = randomBytes(32).toString('base64url')
  const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3600_000)
  await insertSession(db, { tokenHash: sha256(token), userId: found.id, csrfToken, now, expiresAt })
  await recordAudit(db, { at: now, actor: `user:${found.email}`, action: 'session.login', subject: found.id })
  const { passwordHash: _p, totpSecret: _t, ...user } = found
  return { token, csrfToken, user, expiresAt }
}

export async function logout(db: Db, token: string, now: Date): Promise<void> {
  const session = await findSession(db, sha256(token), now)
  await deleteSession(db, sha256(token))
  if (session) await recordAudit(db, { at: now, actor: `user:${session.user.email}`, action: 'session.logout', subject: session.user.id })
}

export async function principalForSession(db: Db, token: string, now: Date): Promise<Principal | null> {
  const session = await findSession(db, sha256(token), now)
  return session ? { role: session.user.role, actor: `user:${session.user.email}`, userId: session.user.id, csrfToken: session.csrfToken, onBehalfOf: session.user.id } : null
}

export async function principalForApiKey(db: Db, key: string): Promise<Principal | null> {
  const record = await findActiveApiKey(db, sha256(key))
  return record ? { role: record.scope, actor: `api-key:${record.name}`, userId: null, csrfToken: null, onBehalfOf: record.createdByUser } : null
}

/**
 * The key is returned this once; only its SHA-256 is stored (keys are random, so no salt or stretching is needed).
 * It carries the authority of `creator.onBehalfOf` (a person), and is revoked when that person is removed.
 */
export async function createApiKey(db: Db, params: { name: string; scope: Role }, creator: Pick<Principal, 'actor' | 'onBehalfOf'>, now: Date): Promise<{ key: string; record: ApiKeyRecord }> {
  const key = `plk_${randomBytes(32).toString('base64url')}`
  const actor = creator.actor
  const record = await insertApiKey(db, { name: params.name, keyHash: sha256(key), scope: params.scope, createdBy: actor, createdByUser: creator.onBehalfOf ?? null, now })
  await recordAudit(db, { at: now, actor, action: 'api-key.create', subject: record.id, after: { name: record.name, scope: record.scope } })
  return { key, record }
}

export async function revokeKey(db: Db, id: string, actor: string, now: Date): Promise<ApiKeyRecord> {
  const record = await revokeApiKey(db, id, now)
  if (!record) throw new NotFoundError(`api key ${id} does not exist or is already revoked`)
  await recordAudit(db, { at: now, actor, action: 'api-key.revoke', subject: id, before: { name: record.name, scope: record.scope } })
  return record
}

export { listApiKeys }

export function hashApiKey(key: string): string {
  return sha256(key)
}

// TOTP second factor (RFC 6238, 30 s steps, one step of drift either way).
function totpFor(secret: string, label: string): TOTP {
  return new TOTP({ issuer: 'Plaudit', label, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) })
}

/** The time step (Unix time / 30 s) the code belongs to, if it is valid at `now`; null otherwise. */
export function acceptedTotpStep(secret: string, code: string, now: Date): number | null {
  const totp = totpFor(secret, 'check')
  const delta = totp.validate({ token: code.replace(/\s/g, ''), timestamp: now.getTime(), window: 1 })
  return delta === null ? null : totp.counter({ timestamp: now.getTime() }) + delta
}

export function totpCode(secret: string, now: Date): string {
  return totpFor(secret, 'code').generate({ timestamp: now.getTime() })
}

/** Starts TOTP for an owner: the secret is stored only once a code from it has been checked. */
export function newTotpSecret(email: string): { secret: string; uri: string } {
  const secret = new Secret({ size: 20 }).base32
  return { secret, uri: totpFor(secret, email).toString() }
}

export async function enableTotp(db: Db, userId: string, secret: string, code: string, now: Date): Promise<void> {
  const user = await getUser(db, userId)
  if (!user) throw new NotFoundError(`user ${userId} does not exist`)
  if (user.role !== 'owner') throw new RuleViolationError('the second factor is for owners')
  const step = acceptedTotpStep(secret, code, now)
  if (step === null) throw new RuleViolationError('that code does not match the secret; check the authenticator clock')
  // The confirming code has been seen: it must not open a session afterwards.
  await setTotpSecret(db, userId, secret, step)
  await recordAudit(db, { at: now, actor: `user:${user.email}`, action: 'user.totp-enable', subject: userId })
}
