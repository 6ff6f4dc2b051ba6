import { sql } from 'drizzle-orm'
import { inList, type Db } from '../database.ts'
import { newId } from '../ids.ts'
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
export async function openTokenCipher(db: Db, key: Buffer | undefined): Promise<TokenCipher | null> {
  const sample = await db.get<{ token: string }>(sql`select refresh_token_enc as "token" from google_connections limit 1`)
  if (!key) {
    if (sample) throw new TokenKeyError('PLAUDIT_TOKEN_KEY is not set, but the database holds encrypted Google refresh tokens: set the key they were encrypted with')
    return null
  }
  const cipher = new TokenCipher(key)
  if (sample) cipher.decrypt(sample.token)
  return cipher
}

export async function saveConnection(db: Db, cipher: TokenCipher, params: { label: string; refreshToken: string; now: Date; id?: string }): Promise<GoogleConnection> {
  const at = params.now.toISOString()
  const id = params.id ?? newId('gc')
  await db.run(sql`insert into google_connections (id, label, refresh_token_enc, access_token_enc, access_token_expires_at, status, last_error, created_at, updated_at)
    values (${id}, ${params.label}, ${cipher.encrypt(params.refreshToken)}, ${null}, ${null}, ${'active'}, ${null}, ${at}, ${at})
    on conflict (id) do update set label = excluded.label, refresh_token_enc = excluded.refresh_token_enc, access_token_enc = excluded.access_token_enc,
    access_token_expires_at = excluded.access_token_expires_at, status = excluded.status, last_error = excluded.last_error, updated_at = excluded.updated_at`)
  return { id, label: params.label, status: 'active', lastError: null }
}

export async function listConnections(db: Db): Promise<GoogleConnection[]> {
  return db.all<GoogleConnection>(sql`select id, label, status, last_error as "lastError" from google_connections order by created_at`)
}

export async function loadCredentials(db: Db, cipher: TokenCipher, connectionId: string): Promise<GoogleCredentials | null> {
  const row = await db.get<{ refreshTokenEnc: string; accessTokenEnc: string | null; accessTokenExpiresAt: string | null }>(
    sql`select refresh_token_enc as "refreshTokenEnc", access_token_enc as "accessTokenEnc", access_token_expires_at as "accessTokenExpiresAt"
        from google_connections where id = ${connectionId}`,
  )
  if (!row) return null
  return {
    refreshToken: cipher.decrypt(row.refreshTokenEnc),
    accessToken: row.accessTokenEnc ? cipher.decrypt(row.accessTokenEnc) : null,
    accessTokenExpiresAt: toDate(row.accessTokenExpiresAt),
  }
}

export async function saveAccessToken(db: Db, cipher: TokenCipher, connectionId: string, token: string, expiresAt: Date): Promise<void> {
  await db.run(sql`update google_connections set access_token_enc = ${cipher.encrypt(token)}, access_token_expires_at = ${expiresAt.toISOString()} where id = ${connectionId}`)
}

/** The connection stops syncing until the owner connects again. */
export async function markNeedsReauth(db: Db, connectionId: string, message: string, now: Date): Promise<void> {
  await db.run(sql`update google_connections set status = ${'needs_reauth'}, last_error = ${message}, access_token_enc = ${null}, access_token_expires_at = ${null},
    updated_at = ${now.toISOString()} where id = ${connectionId}`)
}

/**
 * Links a Plaudit location to a Google location through a connection. A connection that no location
 * uses any more is deleted in the same transaction: reconnecting replaces the connection it repairs,
 * instead of leaving the broken one behind to keep /healthz degraded and the settings "paused".
 * Returns the connection it replaced, if any.
 */
export async function linkGoogleLocation(
  db: Db,
  params: { locationId: string; connectionId: string; googleName: string; title: string | null; placeId: string | null; mapsUri: string | null },
): Promise<{ replacedConnectionId: string | null }> {
  return db.transaction(async (tx) => {
    const before = await tx.get<{ connectionId: string }>(sql`select connection_id as "connectionId" from google_locations where location_id = ${params.locationId}`)
    await tx.run(sql`insert into google_locations (location_id, connection_id, google_name, title, place_id, maps_uri)
      values (${params.locationId}, ${params.connectionId}, ${params.googleName}, ${params.title}, ${params.placeId}, ${params.mapsUri})
      on conflict (location_id) do update set connection_id = excluded.connection_id, google_name = excluded.google_name, title = excluded.title,
      place_id = excluded.place_id, maps_uri = excluded.maps_uri`)
    const previous = before?.connectionId
    if (previous === undefined || previous === params.connectionId) return { replacedConnectionId: null }
    // Two processes relinking two locations of one connection: the row lock makes the later one see the earlier one's move.
    await tx.get(sql`select id from google_connections where id = ${previous}${tx.dialect === 'postgres' ? sql` for update` : sql``}`)
    if (await tx.get(sql`select location_id from google_locations where connection_id = ${previous} limit 1`)) return { replacedConnectionId: null }
    await tx.run(sql`delete from google_connections where id = ${previous}`)
    return { replacedConnectionId: previous }
  })
}

export async function getGoogleLocation(db: Db, locationId: string): Promise<GoogleLocationState | null> {
  const row = await db.get<
    Omit<GoogleLocationState, 'lastSyncAt' | 'lastFullSyncAt' | 'lastErrorAt' | 'connectionStatus'> & {
      lastSyncAt: string | null
      lastFullSyncAt: string | null
      lastErrorAt: string | null
      status: ConnectionStatus
    }
  >(sql`select l.location_id as "locationId", l.connection_id as "connectionId", l.google_name as "googleName", l.title, l.place_id as "placeId",
      l.maps_uri as "mapsUri", l.last_sync_at as "lastSyncAt", l.last_full_sync_at as "lastFullSyncAt", l.last_error as "lastError",
      l.last_error_at as "lastErrorAt", c.status
    from google_locations l inner join google_connections c on c.id = l.connection_id
    where l.location_id = ${locationId}`)
  if (!row) return null
  const { status, ...rest } = row
  return { ...rest, lastSyncAt: toDate(row.lastSyncAt), lastFullSyncAt: toDate(row.lastFullSyncAt), lastErrorAt: toDate(row.lastErrorAt), connectionStatus: status }
}

export async function listGoogleLocations(db: Db): Promise<GoogleLocationState[]> {
  const rows = await db.all<{ id: string }>(sql`select location_id as "id" from google_locations order by location_id`)
  const states: GoogleLocationState[] = []
  for (const r of rows) {
    const state = await getGoogleLocation(db, r.id)
    if (state !== null) states.push(state)
  }
  return states
}

export async function recordSyncSuccess(db: Db, locationId: string, params: { at: Date; full: boolean }): Promise<void> {
  const at = params.at.toISOString()
  await db.run(sql`update google_locations set last_sync_at = ${at}${params.full ? sql`, last_full_sync_at = ${at}` : sql``}, last_error = ${null}, last_error_at = ${null}
    where location_id = ${locationId}`)
}

export async function recordSyncError(db: Db, locationId: string, message: string, at: Date): Promise<void> {
  await db.run(sql`update google_locations set last_error = ${message}, last_error_at = ${at.toISOString()} where location_id = ${locationId}`)
}

export async function saveReviewDetails(db: Db, entries: Array<{ reviewId: string; details: GoogleReviewDetails }>): Promise<void> {
  if (entries.length === 0) return
  await db.transaction(async (tx) => {
    for (const { reviewId, details: d } of entries) {
      await tx.run(sql`insert into google_review_details (review_id, google_update_time, anonymous, translation, reply_comment, reply_updated_at)
        values (${reviewId}, ${d.googleUpdateTime.toISOString()}, ${d.anonymous}, ${d.translation}, ${d.replyComment}, ${d.replyUpdatedAt?.toISOString() ?? null})
        on conflict (review_id) do update set google_update_time = excluded.google_update_time, anonymous = excluded.anonymous, translation = excluded.translation,
        reply_comment = excluded.reply_comment, reply_updated_at = excluded.reply_updated_at`)
    }
  })
}

export async function getReviewDetails(db: Db, reviewId: string): Promise<GoogleReviewDetails | null> {
  const row = await db.get<{ googleUpdateTime: string; anonymous: unknown; translation: string | null; replyComment: string | null; replyUpdatedAt: string | null }>(
    sql`select google_update_time as "googleUpdateTime", anonymous, translation, reply_comment as "replyComment", reply_updated_at as "replyUpdatedAt"
        from google_review_details where review_id = ${reviewId}`,
  )
  return row
    ? { googleUpdateTime: new Date(row.googleUpdateTime), anonymous: Boolean(row.anonymous), translation: row.translation, replyComment: row.replyComment, replyUpdatedAt: toDate(row.replyUpdatedAt) }
    : null
}

/** External ids of the location's active reviews from one source. */
export async function activeExternalIds(db: Db, locationId: string, source: string): Promise<Map<string, string>> {
  const rows = await db.all<{ id: string; externalId: string }>(
    sql`select id, external_id as "externalId" from reviews where location_id = ${locationId} and source = ${source} and status = ${'active'}`,
  )
  return new Map(rows.map((r) => [r.externalId, r.id]))
}

const STATE_LIFETIME_MS = 10 * 60_000

export async function createOauthState(db: Db, redirectUri: string, now: Date): Promise<string> {
  const state = newId('st')
  await db.run(sql`delete from google_oauth_states where created_at < ${new Date(now.getTime() - STATE_LIFETIME_MS).toISOString()}`)
  await db.run(sql`insert into google_oauth_states (state, redirect_uri, created_at) values (${state}, ${redirectUri}, ${now.toISOString()})`)
  return state
}

/** Uses up a state: returns its redirect URI when it was handed out here within ten minutes, else null. */
export async function consumeOauthState(db: Db, state: string, now: Date): Promise<string | null> {
  const row = await db.get<{ redirectUri: string; createdAt: string }>(
    sql`delete from google_oauth_states where state = ${state} returning redirect_uri as "redirectUri", created_at as "createdAt"`,
  )
  if (!row || now.getTime() - new Date(row.createdAt).getTime() > STATE_LIFETIME_MS) return null
  return row.redirectUri
}

export async function setPlaceLocation(db: Db, locationId: string, placeId: string): Promise<void> {
  await db.run(sql`insert into place_locations (location_id, place_id) values (${locationId}, ${placeId}) on conflict (location_id) do update set place_id = excluded.place_id`)
}

export async function getPlaceId(db: Db, locationId: string): Promise<string | null> {
  return (await db.get<{ placeId: string }>(sql`select place_id as "placeId" from place_locations where location_id = ${locationId}`))?.placeId ?? null
}
