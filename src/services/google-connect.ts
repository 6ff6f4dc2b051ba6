import type { Redis } from 'ioredis'
import type { Db } from '../db/database.ts'
import {
  consumeOauthState,
  createOauthState,
  getGoogleLocation,
  listConnections,
  listGoogleLocations,
  loadCredentials,
  saveAccessToken,
  saveConnection,
  linkGoogleLocation,
  type GoogleConnection,
  type GoogleLocationState,
} from '../db/stores/google.ts'
import { ensureLocation } from '../db/stores/locations.ts'
import { clearNeedsReauth } from '../db/stores/source-health.ts'
import type { TokenCipher } from '../db/token-cipher.ts'
import { redisRateGate } from '../jobs/google-rate-limit.ts'
import { consentUrl, exchangeCode, GoogleBusinessClient, type CallEnvironment, type GoogleEndpoints, type GoogleLocationSummary } from '../sources/google/client.ts'
import { RuleViolationError } from './errors.ts'

const GOOGLE_SOURCE = 'google-business-profile'
const LOCATION_NAME = /^accounts\/[A-Za-z0-9_-]+\/locations\/[A-Za-z0-9_-]+$/

/** Everything the connect flow needs; null endpoints or cipher mean Google is not configured here. */
export interface GoogleConnectDependencies {
  db: Db
  endpoints: GoogleEndpoints | null
  cipher: TokenCipher | null
  call: CallEnvironment
}

export function createCallEnvironment(params: { redis: Redis; prefix: string; perMinute: number; now: () => Date; sleep?: (ms: number) => Promise<void>; random?: () => number; maxAttempts?: number }): CallEnvironment {
  const sleep = params.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))
  return {
    gate: redisRateGate({ redis: params.redis, prefix: params.prefix, perMinute: params.perMinute, sleep }),
    sleep,
    random: params.random ?? Math.random,
    now: params.now,
    maxAttempts: params.maxAttempts ?? 6,
  }
}

function configured(deps: GoogleConnectDependencies): { endpoints: GoogleEndpoints; cipher: TokenCipher } {
  if (!deps.endpoints) throw new RuleViolationError('Google is not configured: set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET')
  if (!deps.cipher) throw new RuleViolationError('PLAUDIT_TOKEN_KEY is not set: refresh tokens are only stored encrypted')
  return { endpoints: deps.endpoints, cipher: deps.cipher }
}

/** Step 1: a consent URL whose `state` is remembered here, single use, for ten minutes. */
export async function beginConnect(deps: GoogleConnectDependencies, redirectUri: string): Promise<{ url: string; state: string }> {
  const { endpoints } = configured(deps)
  const state = await createOauthState(deps.db, redirectUri, deps.call.now())
  return { url: consentUrl(endpoints, redirectUri, state), state }
}

/**
 * Step 2: Google sent the owner back. The state must be ours; the code becomes an encrypted refresh
 * token. `alreadySynced` names the offered locations Plaudit syncs already: picking one again moves it
 * to this connection, which is how a connection that needs re-authorisation is repaired.
 */
export async function completeConnect(
  deps: GoogleConnectDependencies,
  params: { state: string; code: string },
): Promise<{ connection: GoogleConnection; locations: GoogleLocationSummary[]; alreadySynced: Set<string> }> {
  const { endpoints, cipher } = configured(deps)
  const redirectUri = await consumeOauthState(deps.db, params.state, deps.call.now())
  if (!redirectUri) throw new RuleViolationError('the sign-in did not start here or is older than ten minutes (state does not match): connect again')
  const tokens = await exchangeCode(endpoints, redirectUri, params.code)
  const connection = await saveConnection(deps.db, cipher, { label: 'Google account', refreshToken: tokens.refreshToken, now: deps.call.now() })
  if (tokens.accessToken && tokens.expiresAt) await saveAccessToken(deps.db, cipher, connection.id, tokens.accessToken, tokens.expiresAt)
  const locations = await listAvailableLocations(deps, connection.id)
  const synced = new Set((await listGoogleLocations(deps.db)).map((l) => l.googleName))
  return { connection, locations, alreadySynced: new Set(locations.map((l) => l.name).filter((name) => synced.has(name))) }
}

/** The accounts and locations this connection can manage (Account Management, then Business Information). */
export async function listAvailableLocations(deps: GoogleConnectDependencies, connectionId: string): Promise<GoogleLocationSummary[]> {
  const { endpoints, cipher } = configured(deps)
  const credentials = await loadCredentials(deps.db, cipher, connectionId)
  if (!credentials) throw new RuleViolationError(`connection "${connectionId}" does not exist`)
  const tokens = accessTokenSaver(deps.db, cipher, connectionId)
  const client = new GoogleBusinessClient(endpoints, credentials, deps.call, tokens.save)
  const out: GoogleLocationSummary[] = []
  for (const account of await client.listAccounts()) out.push(...(await client.listLocations(account.name)))
  await tokens.flush()
  return out
}

/**
 * Keeps the access tokens the client refreshes. The client reports them from an event handler,
 * which cannot wait for the database: each save runs on its own, and `flush` waits for them and
 * throws the first save's error, so no save outlives the operation or fails unheard.
 */
export function accessTokenSaver(db: Db, cipher: TokenCipher, connectionId: string): { save: (token: string, expiresAt: Date) => void; flush: () => Promise<void> } {
  const pending: Array<Promise<void>> = []
  let failure: { error: unknown } | null = null
  return {
    save: (token, expiresAt) => {
      const saving = (async () => {
        await saveAccessToken(db, cipher, connectionId, token, expiresAt)
      })()
      pending.push(
        saving.catch((error: unknown) => {
          failure ??= { error }
        }),
      )
    },
    flush: async () => {
      await Promise.all(pending.splice(0))
      const failed = failure
      failure = null
      if (failed) throw failed.error
    },
  }
}

/** The Plaudit location id for a Google location: stable, readable, safe in URLs. */
export function locationIdFor(googleName: string): string {
  return `google-${googleName.split('/').pop()}`
}

/**
 * Adds a location to sync, or repairs one: linked again through a new connection, it leaves the
 * connection it had, which is deleted when no other location uses it (see linkGoogleLocation).
 */
export async function addGoogleLocation(db: Db, params: { connectionId: string; location: GoogleLocationSummary; locationId?: string }): Promise<GoogleLocationState> {
  if (!LOCATION_NAME.test(params.location.name)) throw new RuleViolationError(`location must look like accounts/{account}/locations/{location}, got "${params.location.name}"`)
  const locationId = params.locationId ?? locationIdFor(params.location.name)
  await ensureLocation(db, { id: locationId, name: params.location.title })
  await linkGoogleLocation(db, { locationId, connectionId: params.connectionId, googleName: params.location.name, title: params.location.title, placeId: params.location.placeId, mapsUri: params.location.mapsUri })
  const state = (await getGoogleLocation(db, locationId))!
  if (state.connectionStatus === 'active') await clearNeedsReauth(db, { locationId, source: GOOGLE_SOURCE })
  return state
}

/** For servers without a browser: a refresh token obtained elsewhere, and the location to sync. */
export async function addLocationWithRefreshToken(deps: GoogleConnectDependencies, params: { googleName: string; refreshToken: string; locationId?: string }): Promise<GoogleLocationState> {
  const { cipher } = configured(deps)
  const refreshToken = params.refreshToken.trim()
  if (refreshToken === '') throw new RuleViolationError('the refresh token file is empty')
  if (!LOCATION_NAME.test(params.googleName)) throw new RuleViolationError(`--location must look like accounts/{account}/locations/{location}, got "${params.googleName}"`)
  const locationId = params.locationId ?? locationIdFor(params.googleName)
  // Reconnecting keeps what the settings flow learnt about the location (title, Place id, Maps link).
  const known = await getGoogleLocation(deps.db, locationId)
  const location = known?.googleName === params.googleName ? { name: params.googleName, title: known.title ?? params.googleName, placeId: known.placeId, mapsUri: known.mapsUri } : { name: params.googleName, title: params.googleName, placeId: null, mapsUri: null }
  const connection = await saveConnection(deps.db, cipher, { label: `token file for ${params.googleName}`, refreshToken, now: deps.call.now() })
  return addGoogleLocation(deps.db, { connectionId: connection.id, location, locationId })
}

export interface GoogleStatus {
  connections: GoogleConnection[]
  locations: GoogleLocationState[]
}

export async function googleStatus(db: Db): Promise<GoogleStatus> {
  return { connections: await listConnections(db), locations: await listGoogleLocations(db) }
}
