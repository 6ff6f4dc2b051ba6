import { and, eq, inArray, lt } from 'drizzle-orm'
import type { Db } from '../database.ts'
import { newId, reviewIdFor } from '../ids.ts'
import { googleConnections, googleLocations, googleOauthStates, googleReviewDetails, placeLocations, reviews } from '../schema.ts'
import { TokenCipher, TokenKeyError } from '../token-cipher.ts'

export type ConnectionStatus = 'active' | 'needs_reauth'

export interface GoogleConnection {
  id: string
  label: string
  status: ConnectionStatus
  lastError: string | null
}

export interface GoogleCredentials {
  refreshToken: string
  accessToken: string | null
  accessTokenExpiresAt: Date | null
}

export interface GoogleLocationState {
  locationId: string
  connectionId: string
  googleName: string
  title: string | null
  placeId: string | null
  mapsUri: string | null
  lastSyncAt: Date | null
  lastFullSyncAt: Date | null
  lastError: string | null
  lastErrorAt: Date | null
  connectionStatus: ConnectionStatus
}

export interface GoogleReviewDetails {
  googleUpdateTime: Date
  anonymous: boolean
  translation: string | null
  replyComment: string | null
  replyUpdatedAt: Date | null
}

const toDate = (value: string | null) => (value ? new Date(value) : null)

/**
 * Refuses to start when the database holds encrypted tokens and the key is missing or wrong:
 * there is no plaintext fallback. Returns the cipher, or null when no key is set and none is needed.
 */
export function openTokenCipher(db: Db, key: Buffer | undefined): TokenCipher | null {
  const sample = db.select({ token: googleConnections.refreshTokenEnc }).from(googleConnections).limit(1).get()
  if (!key) {
    if (sample) throw new TokenKeyError('PLAUDIT_TOKEN_KEY is not set, but the database holds encrypted Google refresh tokens: set the key they were encrypted with')
    return null
  }
  const cipher = new TokenCipher(key)
  if (sample) cipher.decrypt(sample.token)
  return cipher
}

export function saveConnection(db: Db, cipher: TokenCipher, params: { label: string; refreshToken: string; now: Date; id?: string }): GoogleConnection {
  const at = params.now.toISOString()
  const id = params.id ?? newId('gc')
  const values = { id, label: params.label, refreshTokenEnc: cipher.encrypt(params.refreshToken), accessTokenEnc: null, accessTokenExpiresAt: null, status: 'active' as const, lastError: null, createdAt: at, updatedAt: at }
  const { createdAt: _c, id: _i, ...update } = values
  db.insert(googleConnections).values(values).onConflictDoUpdate({ target: googleConnections.id, set: update }).run()
  return { id, label: params.label, status: 'active', lastError: null }
}

export function listConnections(db: Db): GoogleConnection[] {
  return db
    .select({ id: googleConnections.id, label: googleConnections.label, status: googleConnections.status, lastError: googleConnections.lastError })
    .from(googleConnections)
    .orderBy(googleConnections.createdAt)
    .all()
}

export function loadCredentials(db: Db, cipher: TokenCipher, connectionId: string): GoogleCredentials | null {
  const row = db.select().from(googleConnections).where(eq(googleConnections.id, connectionId)).get()
  if (!row) return null
  return {
    refreshToken: cipher.decrypt(row.refreshTokenEnc),
    accessToken: row.accessTokenEnc ? cipher.decrypt(row.accessTokenEnc) : null,
    accessTokenExpiresAt: toDate(row.accessTokenExpiresAt),
  }
}

export function saveAccessToken(db: Db, cipher: TokenCipher, connectionId: string, token: string, expiresAt: Date): void {
  db.update(googleConnections)
    .set({ accessTokenEnc: cipher.encrypt(token), accessTokenExpiresAt: expiresAt.toISOString() })
    .where(eq(googleConnections.id, connectionId))
    .run()
}

/** The connection stops syncing until the owner connects again. */
export function markNeedsReauth(db: Db, connectionId: string, message: string, now: Date): void {
  db.update(googleConnections)
    .set({ status: 'needs_reauth', lastError: message, accessTokenEnc: null, accessTokenExpiresAt: null, updatedAt: now.toISOString() })
    .where(eq(googleConnections.id, connectionId))
    .run()
}

export function upsertGoogleLocation(db: Db, params: { locationId: string; connectionId: string; googleName: string; title: string | null; placeId: string | null; mapsUri: string | null }): void {
  const { locationId: _l, ...set } = params
  db.insert(googleLocations).values(params).onConflictDoUpdate({ target: googleLocations.locationId, set }).run()
}

export function getGoogleLocation(db: Db, locationId: string): GoogleLocationState | null {
  const row = db
    .select({ location: googleLocations, status: googleConnections.status })
    .from(googleLocations)
    .innerJoin(googleConnections, eq(googleConnections.id, googleLocations.connectionId))
    .where(eq(googleLocations.locationId, locationId))
    .get()
  if (!row) return null
  const l = row.location
  return {
    locationId: l.locationId,
    connectionId: l.connectionId,
    googleName: l.googleName,
    title: l.title,
    placeId: l.placeId,
    mapsUri: l.mapsUri,
    lastSyncAt: toDate(l.lastSyncAt),
    lastFullSyncAt: toDate(l.lastFullSyncAt),
    lastError: l.lastError,
    lastErrorAt: toDate(l.lastErrorAt),
    connectionStatus: row.status,
  }
}

export function listGoogleLocations(db: Db): GoogleLocationState[] {
  return db
    .select({ id: googleLocations.locationId })
    .from(googleLocations)
    .orderBy(googleLocations.locationId)
    .all()
    .map((r) => getGoogleLocation(db, r.id))
    .filter((l): l is GoogleLocationState => l !== null)
}

export function recordSyncSuccess(db: Db, locationId: string, params: { at: Date; full: boolean }): void {
  const at = params.at.toISOString()
  db.update(googleLocations)
    .set({ lastSyncAt: at, ...(params.full && { lastFullSyncAt: at }), lastError: null, lastErrorAt: null })
    .where(eq(googleLocations.locationId, locationId))
    .run()
}

export function recordSyncError(db: Db, locationId: string, message: string, at: Date): void {
  db.update(googleLocations).set({ lastError: message, lastErrorAt: at.toISOString() }).where(eq(googleLocations.locationId, locationId)).run()
}

export function saveReviewDetails(db: Db, entries: Array<{ source: string; externalId: string; details: GoogleReviewDetails }>): void {
  const statement = db.$client.prepare(
    `insert into google_review_details (review_id, google_update_time, anonymous, translation, reply_comment, reply_updated_at)
     values (?, ?, ?, ?, ?, ?) on conflict(review_id) do update set google_update_time = excluded.google_update_time,
     anonymous = excluded.anonymous, translation = excluded.translation, reply_comment = excluded.reply_comment, reply_updated_at = excluded.reply_updated_at`,
  )
  db.$client.transaction(() => {
    for (const { source, externalId, details: d } of entries) {
      statement.run(reviewIdFor(source, externalId), d.googleUpdateTime.toISOString(), d.anonymous ? 1 : 0, d.translation, d.replyComment, d.replyUpdatedAt?.toISOString() ?? null)
    }
  })()
}

export function getReviewDetails(db: Db, reviewId: string): GoogleReviewDetails | null {
  const row = db.select().from(googleReviewDetails).where(eq(googleReviewDetails.reviewId, reviewId)).get()
  return row
    ? { googleUpdateTime: new Date(row.googleUpdateTime), anonymous: row.anonymous, translation: row.translation, replyComment: row.replyComment, replyUpdatedAt: toDate(row.replyUpdatedAt) }
    : null
}

/** Rating and text of the given reviews as stored now, before a sync overwrites them. */
export function currentContent(db: Db, reviewIds: string[]): Map<string, { rating: number; text: string; status: string }> {
  if (reviewIds.length === 0) return new Map()
  const rows = db.select({ id: reviews.id, rating: reviews.rating, text: reviews.text, status: reviews.status }).from(reviews).where(inArray(reviews.id, reviewIds)).all()
  return new Map(rows.map((r) => [r.id, { rating: r.rating, text: r.text, status: r.status }]))
}

/** External ids of the location's active reviews from one source. */
export function activeExternalIds(db: Db, locationId: string, source: string): Map<string, string> {
  const rows = db
    .select({ id: reviews.id, externalId: reviews.externalId })
    .from(reviews)
    .where(and(eq(reviews.locationId, locationId), eq(reviews.source, source), eq(reviews.status, 'active')))
    .all()
  return new Map(rows.map((r) => [r.externalId, r.id]))
}

const STATE_LIFETIME_MS = 10 * 60_000

export function createOauthState(db: Db, redirectUri: string, now: Date): string {
  const state = newId('st')
  db.delete(googleOauthStates).where(lt(googleOauthStates.createdAt, new Date(now.getTime() - STATE_LIFETIME_MS).toISOString())).run()
  db.insert(googleOauthStates).values({ state, redirectUri, createdAt: now.toISOString() }).run()
  return state
}

/** Uses up a state: returns its redirect URI when it was handed out here within ten minutes, else null. */
export function consumeOauthState(db: Db, state: string, now: Date): string | null {
  const row = db.delete(googleOauthStates).where(eq(googleOauthStates.state, state)).returning().get()
  if (!row || now.getTime() - new Date(row.createdAt).getTime() > STATE_LIFETIME_MS) return null
  return row.redirectUri
}

export function setPlaceLocation(db: Db, locationId: string, placeId: string): void {
  db.insert(placeLocations).values({ locationId, placeId }).onConflictDoUpdate({ target: placeLocations.locationId, set: { placeId } }).run()
}

export function getPlaceId(db: Db, locationId: string): string | null {
  return db.select({ placeId: placeLocations.placeId }).from(placeLocations).where(eq(placeLocations.locationId, locationId)).get()?.placeId ?? null
}
