import { google } from 'googleapis'
import { classifyGoogleStatus, parseRetryAfter, retryDelay } from '../../domain/google-sync.ts'
import { GoogleBadResponseError, GooglePermanentError, GoogleReauthRequiredError, GoogleUnavailableError, googleMessage } from './errors.ts'
import { gbpReviewPageSchema, type GbpReviewPage } from './map-review.ts'

export const BUSINESS_MANAGE_SCOPE = 'https://www.googleapis.com/auth/business.manage'
const V4_ROOT = 'https://mybusiness.googleapis.com'
export const REVIEWS_PAGE_SIZE = 50

export interface GoogleEndpoints {
  clientId: string
  clientSecret: string
  /** Replaces the origin of every Google API; undefined means Google's own hosts. */
  apiRoot: string | undefined
  tokenUrl: string
  authUrl: string
}

/** Taken before every request to Google: the shared per-project rate limit lives behind it. */
export interface RequestGate {
  acquire(): Promise<void>
}

export interface CallEnvironment {
  gate: RequestGate
  /** Waits between retries; tests pass one that records the delay and returns at once. */
  sleep: (ms: number) => Promise<void>
  random: () => number
  now: () => Date
  /** Attempts per request for 429 and 5xx before the job gives up. */
  maxAttempts: number
}

export interface StoredTokens {
  refreshToken: string
  accessToken: string | null
  accessTokenExpiresAt: Date | null
}

export interface GoogleAccount {
  name: string
  accountName: string
  type: string | null
}

export interface GoogleLocationSummary {
  /** accounts/{a}/locations/{l}: joined from the account and Business Information's locations/{l}. */
  name: string
  title: string
  placeId: string | null
  mapsUri: string | null
}

export function createOAuthClient(endpoints: GoogleEndpoints, redirectUri?: string) {
  return new google.auth.OAuth2({
    clientId: endpoints.clientId,
    clientSecret: endpoints.clientSecret,
    ...(redirectUri !== undefined && { redirectUri }),
    endpoints: { oauth2TokenUrl: endpoints.tokenUrl, oauth2AuthBaseUrl: endpoints.authUrl },
  })
}

/** The consent URL: authorization code, offline access (a refresh token), business.manage only. */
export function consentUrl(endpoints: GoogleEndpoints, redirectUri: string, state: string): string {
  return createOAuthClient(endpoints, redirectUri).generateAuthUrl({ access_type: 'offline', prompt: 'consent', scope: [BUSINESS_MANAGE_SCOPE], state, include_granted_scopes: true })
}

/** Trades the code Google sent back for tokens; refuses a grant without a refresh token. */
export async function exchangeCode(endpoints: GoogleEndpoints, redirectUri: string, code: string): Promise<{ refreshToken: string; accessToken: string | null; expiresAt: Date | null }> {
  const client = createOAuthClient(endpoints, redirectUri)
  try {
    const { tokens } = await client.getToken(code)
    if (!tokens.refresh_token) throw new GooglePermanentError('Google returned no refresh token: revoke Plaudit in the Google account and connect again', 400)
    return { refreshToken: tokens.refresh_token, accessToken: tokens.access_token ?? null, expiresAt: tokens.expiry_date ? new Date(tokens.expiry_date) : null }
  } catch (error) {
    throw normalizeError(error, 'token exchange')
  }
}

type GaxiosLike = { message?: string; status?: number; response?: { status?: number; data?: unknown; headers?: unknown } }

function headerOf(headers: unknown, name: string): string | null {
  if (!headers) return null
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name)
  const value = (headers as Record<string, unknown>)[name]
  return typeof value === 'string' ? value : null
}

function statusOf(error: unknown): number | undefined {
  const e = error as GaxiosLike
  return e.response?.status ?? e.status
}

/** The token endpoint refused the refresh token: revoked, expired or never valid. */
function isInvalidGrant(error: unknown): boolean {
  const e = error as GaxiosLike
  const body = e.response?.data
  return e.message === 'invalid_grant' || Boolean(body && typeof body === 'object' && (body as { error?: unknown }).error === 'invalid_grant')
}

/** Turns whatever gaxios or google-auth-library threw into one of the adapter's errors. */
function normalizeError(error: unknown, what: string): Error {
  if (error instanceof GoogleReauthRequiredError || error instanceof GooglePermanentError || error instanceof GoogleUnavailableError || error instanceof GoogleBadResponseError) return error
  const e = error as GaxiosLike
  const body = e.response?.data
  if (isInvalidGrant(error)) return new GoogleReauthRequiredError(`${what}: ${googleMessage(body ?? 'invalid_grant', 400)}`)
  const status = statusOf(error)
  if (typeof status !== 'number') return new GoogleUnavailableError(`${what}: ${e.message ?? String(error)}`, 0)
  const message = `${what}: ${googleMessage(body, status)}`
  switch (classifyGoogleStatus(status)) {
    case 'reauthorize':
      return new GoogleReauthRequiredError(message)
    case 'permanent':
      return new GooglePermanentError(message, status)
    case 'retry':
      return new GoogleUnavailableError(message, status)
  }
}

/**
 * One connected Google account. Account Management and Business Information go through the
 * googleapis clients with `rootUrl`; v4 reviews has no googleapis client, so it is an authorised
 * raw request on the same OAuth client, to a URL built from the same root.
 */
export class GoogleBusinessClient {
  readonly oauth: ReturnType<typeof createOAuthClient>
  private readonly rootUrl: string | undefined

  constructor(
    endpoints: GoogleEndpoints,
    tokens: StoredTokens,
    private readonly env: CallEnvironment,
    onAccessToken: (token: string, expiresAt: Date) => void,
  ) {
    this.rootUrl = endpoints.apiRoot
    this.oauth = createOAuthClient(endpoints)
    this.oauth.setCredentials({
      refresh_token: tokens.refreshToken,
      ...(tokens.accessToken && tokens.accessTokenExpiresAt && { access_token: tokens.accessToken, expiry_date: tokens.accessTokenExpiresAt.getTime() }),
    })
    this.oauth.on('tokens', (t) => {
      if (t.access_token && t.expiry_date) onAccessToken(t.access_token, new Date(t.expiry_date))
    })
  }

  /**
   * Every call: wait for the shared rate limit, then retry 429/5xx with Retry-After or jittered
   * backoff. A 401 is answered by one token refresh and one retry: Google may revoke an access token
   * before its expiry, and only a refused refresh (invalid_grant) means the owner must connect again.
   */
  private async call<T>(what: string, request: () => Promise<T>): Promise<T> {
    let retries = 0
    let refreshedAfter401 = false
    for (;;) {
      await this.env.gate.acquire()
      try {
        return await request()
      } catch (raw) {
        if (statusOf(raw) === 401 && !isInvalidGrant(raw)) {
          // A second 401 right after a fresh token gets no second refresh: that is how retry storms start.
          if (refreshedAfter401) throw new GooglePermanentError(`${what}: Google refused a freshly refreshed access token (${googleMessage((raw as GaxiosLike).response?.data, 401)}); the next sync tries again`, 401)
          refreshedAfter401 = true
          await this.refreshAccessToken(what)
          continue
        }
        const error = normalizeError(raw, what)
        if (!(error instanceof GoogleUnavailableError) || retries + 1 >= this.env.maxAttempts) throw error
        const retryAfter = parseRetryAfter(headerOf((raw as GaxiosLike).response?.headers, 'retry-after'), this.env.now())
        await this.env.sleep(retryDelay(retries, retryAfter, this.env.random))
        retries++
      }
    }
  }

  /** A new access token from the token endpoint; the 'tokens' event hands it to the caller to store. */
  private async refreshAccessToken(what: string): Promise<void> {
    try {
      await this.oauth.refreshAccessToken()
    } catch (error) {
      throw normalizeError(error, `${what}: token refresh after a 401`)
    }
  }

  async listAccounts(): Promise<GoogleAccount[]> {
    const api = google.mybusinessaccountmanagement({ version: 'v1', auth: this.oauth, ...(this.rootUrl && { rootUrl: this.rootUrl }) })
    const out: GoogleAccount[] = []
    let pageToken: string | undefined
    do {
      const res = await this.call('list accounts', () => api.accounts.list({ pageSize: 20, ...(pageToken && { pageToken }) }, { retry: false }))
      const data = expectObject(res.data, 'list accounts')
      for (const a of data.accounts ?? []) if (a.name) out.push({ name: a.name, accountName: a.accountName ?? a.name, type: a.type ?? null })
      pageToken = data.nextPageToken ?? undefined
    } while (pageToken)
    return out
  }

  async listLocations(accountName: string): Promise<GoogleLocationSummary[]> {
    const api = google.mybusinessbusinessinformation({ version: 'v1', auth: this.oauth, ...(this.rootUrl && { rootUrl: this.rootUrl }) })
    const out: GoogleLocationSummary[] = []
    let pageToken: string | undefined
    do {
      const res = await this.call(`list locations of ${accountName}`, () =>
        api.accounts.locations.list({ parent: accountName, readMask: 'name,title,storeCode,metadata', pageSize: 100, ...(pageToken && { pageToken }) }, { retry: false }),
      )
      const data = expectObject(res.data, `list locations of ${accountName}`)
      for (const l of data.locations ?? []) {
        if (!l.name) continue
        out.push({ name: `${accountName}/${l.name}`, title: l.title ?? l.name, placeId: l.metadata?.placeId ?? null, mapsUri: l.metadata?.mapsUri ?? null })
      }
      pageToken = data.nextPageToken ?? undefined
    } while (pageToken)
    return out
  }

  /** One page of reviews, newest update first. */
  async listReviewsPage(locationName: string, pageToken: string | undefined): Promise<GbpReviewPage> {
    const base = this.rootUrl ?? V4_ROOT
    const url = new URL(`/v4/${locationName}/reviews`, base).toString()
    const what = `list reviews of ${locationName}`
    const res = await this.call(what, () =>
      this.oauth.request<string>({ url, params: { pageSize: REVIEWS_PAGE_SIZE, orderBy: 'updateTime desc', ...(pageToken && { pageToken }) }, responseType: 'text', retry: false }),
    )
    let json: unknown
    try {
      json = JSON.parse(res.data)
    } catch (error) {
      throw new GoogleBadResponseError(`${what}: Google's answer is truncated or not JSON (${(error as Error).message}; ${res.data.length} bytes)`)
    }
    const parsed = gbpReviewPageSchema.safeParse(json)
    if (!parsed.success) throw new GoogleBadResponseError(`${what}: unexpected shape: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
    return parsed.data
  }
}

function expectObject<T>(data: T, what: string): T & object {
  if (!data || typeof data !== 'object') throw new GoogleBadResponseError(`${what}: Google's answer is truncated or not JSON`)
  return data as T & object
}
