import { sql } from 'drizzle-orm'
import type { Role } from '../../domain/access.ts'
import type { SqlRunner } from '../database.ts'
import { newId } from '../ids.ts'
import type { apiKeys, users } from '../schema.ts'

export interface User {
  id: string
  email: string
  role: Role
  totpEnabled: boolean
  createdAt: Date
}

export interface UserCredentials extends User {
  passwordHash: string
  totpSecret: string | null
}

export interface ApiKeyRecord {
  id: string
  name: string
  scope: Role
  createdBy: string
  /** The person whose authority the key carries, if a person made it (directly or through another of their keys). */
  createdByUser: string | null
  createdAt: Date
  revokedAt: Date | null
}

type UserRow = typeof users.$inferSelect
type ApiKeyRow = typeof apiKeys.$inferSelect

const userColumns = sql`users.id, users.email, users.role, users.password_hash as "passwordHash", users.totp_secret as "totpSecret", users.created_at as "createdAt"`
const apiKeyColumns = sql`id, name, key_hash as "keyHash", scope, created_by as "createdBy", created_by_user as "createdByUser", created_at as "createdAt", revoked_at as "revokedAt"`

function toCredentials(row: UserRow): UserCredentials {
  return { id: row.id, email: row.email, role: row.role, totpEnabled: row.totpSecret !== null, createdAt: new Date(row.createdAt), passwordHash: row.passwordHash, totpSecret: row.totpSecret }
}

function toUser(row: UserRow): User {
  return { id: row.id, email: row.email, role: row.role, totpEnabled: row.totpSecret !== null, createdAt: new Date(row.createdAt) }
}

export async function insertUser(db: SqlRunner, params: { email: string; role: Role; passwordHash: string; now: Date }): Promise<User> {
  const row = await db.get<UserRow>(
    sql`insert into users (id, email, role, password_hash, created_at) values (${newId('us')}, ${params.email}, ${params.role}, ${params.passwordHash}, ${params.now.toISOString()})
        returning ${userColumns}`,
  )
  return toUser(row!)
}

export async function findUserByEmail(db: SqlRunner, email: string): Promise<UserCredentials | null> {
  const row = await db.get<UserRow>(sql`select ${userColumns} from users where users.email = ${email}`)
  return row ? toCredentials(row) : null
}

export async function getUser(db: SqlRunner, id: string): Promise<UserCredentials | null> {
  const row = await db.get<UserRow>(sql`select ${userColumns} from users where users.id = ${id}`)
  return row ? toCredentials(row) : null
}

export async function listUsers(db: SqlRunner): Promise<User[]> {
  return (await db.all<UserRow>(sql`select ${userColumns} from users order by users.email`)).map(toUser)
}

export async function countOwners(db: SqlRunner): Promise<number> {
  const row = await db.get<{ n: number }>(sql`select count(*) as n from users where role = ${'owner'}`)
  return Number(row?.n ?? 0)
}

/**
 * The owners' ids, locked until the transaction ends (PostgreSQL; SQLite's transaction already holds
 * the one write lock): two removals in two processes then take turns, and the second one counts the
 * owners the first one left. Locked in id order, so two callers never wait on each other crosswise.
 */
export async function lockOwnerIds(tx: SqlRunner): Promise<string[]> {
  const rows = await tx.all<{ id: string }>(sql`select id from users where role = ${'owner'} order by id${tx.dialect === 'postgres' ? sql` for update` : sql``}`)
  return rows.map((r) => r.id)
}

/** Ends every session of the user; resolves to how many there were. */
export async function deleteSessionsOf(db: SqlRunner, userId: string): Promise<number> {
  return db.run(sql`delete from sessions where user_id = ${userId}`)
}

/** Revokes every active key carrying the user's authority; resolves to the keys it revoked. */
export async function revokeApiKeysOf(db: SqlRunner, userId: string, now: Date): Promise<ApiKeyRecord[]> {
  const rows = await db.all<ApiKeyRow>(sql`update api_keys set revoked_at = ${now.toISOString()} where created_by_user = ${userId} and revoked_at is null returning ${apiKeyColumns}`)
  return rows.map(toApiKey)
}

/** Removes the user (their sessions go with them through the foreign key). */
export async function deleteUser(db: SqlRunner, id: string): Promise<void> {
  await db.run(sql`delete from users where id = ${id}`)
}

/**
 * Accepts a TOTP time step once: true when `step` is later than every step accepted before for this
 * user. One conditional update, so two processes checking the same code cannot both accept it.
 */
export async function claimTotpStep(db: SqlRunner, id: string, step: number): Promise<boolean> {
  return (await db.run(sql`update users set totp_last_step = ${step} where id = ${id} and (totp_last_step is null or totp_last_step < ${step})`)) === 1
}

/** Sets (or clears) the secret; `acceptedStep` is the step of the code that confirmed it, spent from then on. */
export async function setTotpSecret(db: SqlRunner, id: string, secret: string | null, acceptedStep: number | null): Promise<void> {
  await db.run(sql`update users set totp_secret = ${secret}, totp_last_step = ${acceptedStep} where id = ${id}`)
}

export async function insertSession(db: SqlRunner, params: { tokenHash: string; userId: string; csrfToken: string; now: Date; expiresAt: Date }): Promise<void> {
  await db.run(
    sql`insert into sessions (token_hash, user_id, csrf_token, created_at, expires_at)
        values (${params.tokenHash}, ${params.userId}, ${params.csrfToken}, ${params.now.toISOString()}, ${params.expiresAt.toISOString()})`,
  )
}

export async function findSession(db: SqlRunner, tokenHash: string, now: Date): Promise<{ user: User; csrfToken: string } | null> {
  const row = await db.get<UserRow & { csrfToken: string }>(
    sql`select ${userColumns}, sessions.csrf_token as "csrfToken" from sessions join users on users.id = sessions.user_id
        where sessions.token_hash = ${tokenHash} and sessions.expires_at > ${now.toISOString()}`,
  )
  return row ? { user: toUser(row), csrfToken: row.csrfToken } : null
}

export async function deleteExpiredSessions(db: SqlRunner, now: Date): Promise<void> {
  await db.run(sql`delete from sessions where expires_at <= ${now.toISOString()}`)
}

export async function deleteSession(db: SqlRunner, tokenHash: string): Promise<void> {
  await db.run(sql`delete from sessions where token_hash = ${tokenHash}`)
}

export async function insertApiKey(
  db: SqlRunner,
  params: { name: string; keyHash: string; scope: Role; createdBy: string; createdByUser: string | null; now: Date },
): Promise<ApiKeyRecord> {
  const row = await db.get<ApiKeyRow>(
    sql`insert into api_keys (id, name, key_hash, scope, created_by, created_by_user, created_at)
        values (${newId('ak')}, ${params.name}, ${params.keyHash}, ${params.scope}, ${params.createdBy}, ${params.createdByUser}, ${params.now.toISOString()})
        returning ${apiKeyColumns}`,
  )
  return toApiKey(row!)
}

export async function findActiveApiKey(db: SqlRunner, keyHash: string): Promise<ApiKeyRecord | null> {
  const row = await db.get<ApiKeyRow>(sql`select ${apiKeyColumns} from api_keys where key_hash = ${keyHash} and revoked_at is null`)
  return row ? toApiKey(row) : null
}

export async function listApiKeys(db: SqlRunner): Promise<ApiKeyRecord[]> {
  return (await db.all<ApiKeyRow>(sql`select ${apiKeyColumns} from api_keys order by created_at`)).map(toApiKey)
}

export async function revokeApiKey(db: SqlRunner, id: string, now: Date): Promise<ApiKeyRecord | null> {
  const row = await db.get<ApiKeyRow>(sql`update api_keys set revoked_at = ${now.toISOString()} where id = ${id} and revoked_at is null returning ${apiKeyColumns}`)
  return row ? toApiKey(row) : null
}

/** The stored hash, for tests and the owner page's proof that the key itself is not kept. */
export async function storedApiKeyHash(db: SqlRunner, id: string): Promise<string | null> {
  return (await db.get<{ keyHash: string }>(sql`select key_hash as "keyHash" from api_keys where id = ${id}`))?.keyHash ?? null
}

function toApiKey(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope,
    createdBy: row.createdBy,
    createdByUser: row.createdByUser,
    createdAt: new Date(row.createdAt),
    revokedAt: row.revokedAt ? new Date(row.revokedAt) : null,
  }
}
