import { and, asc, eq, gt, isNull, lte } from 'drizzle-orm'
import type { Role } from '../../domain/access.ts'
import type { Db } from '../database.ts'
import { newId } from '../ids.ts'
import { apiKeys, sessions, users } from '../schema.ts'

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
  createdAt: Date
  revokedAt: Date | null
}

function toCredentials(row: typeof users.$inferSelect): UserCredentials {
  return { id: row.id, email: row.email, role: row.role, totpEnabled: row.totpSecret !== null, createdAt: new Date(row.createdAt), passwordHash: row.passwordHash, totpSecret: row.totpSecret }
}

function toUser(row: typeof users.$inferSelect): User {
  return { id: row.id, email: row.email, role: row.role, totpEnabled: row.totpSecret !== null, createdAt: new Date(row.createdAt) }
}

export function insertUser(db: Db, params: { email: string; role: Role; passwordHash: string; now: Date }): User {
  const row = db.insert(users).values({ id: newId('us'), email: params.email, role: params.role, passwordHash: params.passwordHash, createdAt: params.now.toISOString() }).returning().get()
  return toUser(row)
}

export function findUserByEmail(db: Db, email: string): UserCredentials | null {
  const row = db.select().from(users).where(eq(users.email, email)).get()
  return row ? toCredentials(row) : null
}

export function getUser(db: Db, id: string): UserCredentials | null {
  const row = db.select().from(users).where(eq(users.id, id)).get()
  return row ? toCredentials(row) : null
}

export function listUsers(db: Db): User[] {
  return db.select().from(users).orderBy(asc(users.email)).all().map(toUser)
}

export function countOwners(db: Db): number {
  return db.select({ id: users.id }).from(users).where(eq(users.role, 'owner')).all().length
}

/** Removes the user and, through the foreign key, every session of theirs. */
export function deleteUser(db: Db, id: string): void {
  db.delete(users).where(eq(users.id, id)).run()
}

export function setTotpSecret(db: Db, id: string, secret: string | null): void {
  db.update(users).set({ totpSecret: secret }).where(eq(users.id, id)).run()
}

export function insertSession(db: Db, params: { tokenHash: string; userId: string; csrfToken: string; now: Date; expiresAt: Date }): void {
  db.insert(sessions).values({ tokenHash: params.tokenHash, userId: params.userId, csrfToken: params.csrfToken, createdAt: params.now.toISOString(), expiresAt: params.expiresAt.toISOString() }).run()
}

export function findSession(db: Db, tokenHash: string, now: Date): { user: User; csrfToken: string } | null {
  const row = db
    .select({ user: users, csrfToken: sessions.csrfToken })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, now.toISOString())))
    .get()
  return row ? { user: toUser(row.user), csrfToken: row.csrfToken } : null
}

export function deleteExpiredSessions(db: Db, now: Date): void {
  db.delete(sessions).where(lte(sessions.expiresAt, now.toISOString())).run()
}

export function deleteSession(db: Db, tokenHash: string): void {
  db.delete(sessions).where(eq(sessions.tokenHash, tokenHash)).run()
}

export function insertApiKey(db: Db, params: { name: string; keyHash: string; scope: Role; createdBy: string; now: Date }): ApiKeyRecord {
  const row = db.insert(apiKeys).values({ id: newId('ak'), name: params.name, keyHash: params.keyHash, scope: params.scope, createdBy: params.createdBy, createdAt: params.now.toISOString() }).returning().get()
  return toApiKey(row)
}

export function findActiveApiKey(db: Db, keyHash: string): ApiKeyRecord | null {
  const row = db.select().from(apiKeys).where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt))).get()
  return row ? toApiKey(row) : null
}

export function listApiKeys(db: Db): ApiKeyRecord[] {
  return db.select().from(apiKeys).orderBy(asc(apiKeys.createdAt)).all().map(toApiKey)
}

export function revokeApiKey(db: Db, id: string, now: Date): ApiKeyRecord | null {
  const row = db.update(apiKeys).set({ revokedAt: now.toISOString() }).where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt))).returning().get()
  return row ? toApiKey(row) : null
}

/** The stored hash, for tests and the owner page's proof that the key itself is not kept. */
export function storedApiKeyHash(db: Db, id: string): string | null {
  return db.select({ keyHash: apiKeys.keyHash }).from(apiKeys).where(eq(apiKeys.id, id)).get()?.keyHash ?? null
}

function toApiKey(row: typeof apiKeys.$inferSelect): ApiKeyRecord {
  return { id: row.id, name: row.name, scope: row.scope, createdBy: row.createdBy, createdAt: new Date(row.createdAt), revokedAt: row.revokedAt ? new Date(row.revokedAt) : null }
}
