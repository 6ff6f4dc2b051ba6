import { z } from 'zod'

/**
 * The one reader of the environment. Parsed once; every other module receives values from here.
 */

const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  DATABASE_URL: z
    .string()
    .regex(/^(postgres(ql)?:\/\/|file:)/i, 'DATABASE_URL must start with postgres:// (PostgreSQL) or file: (SQLite)')
    .optional(),
  PLAUDIT_DATABASE_FILE: z.string().min(1).default('data/plaudit.db'),
  PLAUDIT_DATABASE_POOL: z.coerce.number().int().min(1).max(100).default(10),
  PLAUDIT_DATABASE_BUSY_MS: z.coerce.number().int().min(0).max(120_000).default(5000),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  PLAUDIT_QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]+$/).default('plaudit'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_BASE_URL: z.string().url().optional(),
  PLAUDIT_ADMIN_API_KEY: z.string().min(16, 'PLAUDIT_ADMIN_API_KEY must be at least 16 characters').optional(),
  PLAUDIT_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  PLAUDIT_WORKER_LOCK_MS: z.coerce.number().int().min(500).max(600_000).default(30_000),
  PLAUDIT_ANALYZE_BATCH_SIZE: z.coerce.number().int().min(1).max(500).default(100),
  PATH: z.string().default(''),
  // Widget issue: self-serving rating markup on the all-reviews page; 'off' unless the owner accepts the risk.
  PLAUDIT_RATING_STRUCTURED_DATA: z.enum(['on', 'off']).default('off'),
  // Issue 6: `Secure` on the session cookie; on by default in production (serve it behind TLS).
  PLAUDIT_SECURE_COOKIES: z.enum(['true', 'false']).optional(),
  // Issue 13: which proxies may name the client (X-Forwarded-For/-Proto/-Host); off unless set.
  PLAUDIT_TRUST_PROXY: z
    .string()
    .trim()
    .regex(/^(off|false|loopback|\d{1,2}|[0-9A-Fa-f.:/]+(,\s*[0-9A-Fa-f.:/]+)*)$/, 'must be off, loopback, a hop count (1-99), or comma-separated proxy addresses/CIDRs')
    .default('off'),
  // Issue 13: slow clients; a request whose headers or whole body take longer is dropped.
  PLAUDIT_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(20_000),
  PLAUDIT_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(30_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // --- Google (issue 4) ---
  GOOGLE_CLIENT_ID: z.string().min(1).optional(),
  GOOGLE_CLIENT_SECRET: z.string().min(1).optional(),
  /** Where Google sends the owner back after consent; defaults to PUBLIC_BASE_URL + /app/settings/google/callback. */
  GOOGLE_REDIRECT_URI: z.string().url().optional(),
  /** One origin standing in for every Google API host (tests and the demo point it at a fake server). */
  GOOGLE_API_ROOT: z.string().url().optional(),
  GOOGLE_OAUTH_TOKEN_URL: z.string().url().default('https://oauth2.googleapis.com/token'),
  GOOGLE_OAUTH_AUTH_URL: z.string().url().default('https://accounts.google.com/o/oauth2/v2/auth'),
  GOOGLE_PLACES_API_KEY: z.string().min(1).optional(),
  /** 32 bytes, base64 or hex: encrypts Google refresh tokens at rest (AES-256-GCM). */
  PLAUDIT_TOKEN_KEY: z.string().optional(),
  GOOGLE_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(300),
  GOOGLE_SYNC_INCREMENTAL_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  GOOGLE_SYNC_FULL_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(24),
  PLAUDIT_DEMO_GOOGLE: z.enum(['0', '1', '']).default(''),
})

export type Config = {
  env: 'development' | 'test' | 'production'
  /** `postgres://…` (PostgreSQL) or a SQLite file path: DATABASE_URL when set, else PLAUDIT_DATABASE_FILE. */
  databaseUrl: string
  /** The SQLite file (restore, demo output); unused on PostgreSQL. */
  databaseFile: string
  /** PostgreSQL connections per process. */
  databasePoolSize: number
  /** How long a write waits for another process's write lock before giving up. */
  databaseBusyMs: number
  redisUrl: string
  queuePrefix: string
  port: number
  host: string
  /** Issue 13: where links in rendered feeds point; required in production, http://localhost:<port> otherwise. */
  publicBaseUrl: string
  adminApiKey: string | undefined
  workerConcurrency: number
  /** How long a job's lock lasts without renewal: after a crash, its job is retried this much later. */
  workerLockMs: number
  analyzeBatchSize: number
  logLevel: string
  ratingStructuredData: boolean
  secureCookies: boolean
  /** Express `trust proxy`: false (the socket address is the client), or which proxies to believe. */
  trustProxy: TrustProxy
  /** Slow clients: the headers, and the whole request, must arrive within these. */
  headersTimeoutMs: number
  requestTimeoutMs: number
  /** Where the demo looks for a redis-server to start when none answers. */
  executablePath: string[]
  google: GoogleConfig
}

/** false, a hop count, or addresses/CIDRs/'loopback' as Express's `trust proxy` takes them. */
export type TrustProxy = false | number | string

/** PLAUDIT_TRUST_PROXY as Express takes it; `true` (trust anyone's X-Forwarded-For) is never produced. */
export function parseTrustProxy(value: string): TrustProxy {
  if (value === 'off' || value === 'false') return false
  if (/^\d+$/.test(value)) {
    const hops = Number(value)
    if (hops < 1) throw new ConfigError(`PLAUDIT_TRUST_PROXY must be at least 1 hop, got "${value}" (use off)`)
    return hops
  }
  return value
}

export interface GoogleConfig {
  clientId: string | undefined
  clientSecret: string | undefined
  redirectUri: string | undefined
  /** Replaces the origin of every Google API (Business Profile, Places); undefined means Google itself. */
  apiRoot: string | undefined
  tokenUrl: string
  authUrl: string
  placesApiKey: string | undefined
  /** The key that encrypts refresh tokens, or undefined when none is configured. */
  tokenKey: Buffer | undefined
  requestsPerMinute: number
  incrementalEveryMinutes: number
  fullEveryHours: number
  demo: boolean
}

/** A token key is 32 bytes written as 64 hex digits or as base64; anything else is refused, never padded. */
export function parseTokenKey(value: string | undefined): Buffer | undefined {
  if (value === undefined || value === '') return undefined
  const key = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : /^[A-Za-z0-9+/_-]{43}=?$/.test(value) ? Buffer.from(value, 'base64') : null
  if (!key || key.length !== 32) {
    throw new ConfigError(`PLAUDIT_TOKEN_KEY must be 32 bytes as 64 hex digits or base64 (openssl rand -base64 32), got ${value.length} characters`)
  }
  return key
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

export function parseConfig(source: Record<string, string | undefined>): Config {
  const parsed = environmentSchema.safeParse(source)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = issue.path.join('.')
      return `${name}=${JSON.stringify(source[name] ?? '')}: ${issue.message}`
    })
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`)
  }
  const e = parsed.data
  if (e.PLAUDIT_HEADERS_TIMEOUT_MS > e.PLAUDIT_REQUEST_TIMEOUT_MS) {
    throw new ConfigError(`Invalid configuration: PLAUDIT_HEADERS_TIMEOUT_MS=${e.PLAUDIT_HEADERS_TIMEOUT_MS} must not exceed PLAUDIT_REQUEST_TIMEOUT_MS=${e.PLAUDIT_REQUEST_TIMEOUT_MS}`)
  }
  if (e.NODE_ENV === 'production' && e.PUBLIC_BASE_URL === undefined) {
    // Links in pasted feeds must not come from a request's Host header, which anyone can set.
    throw new ConfigError('Invalid configuration: PUBLIC_BASE_URL="": required in production, e.g. https://reviews.example.com')
  }
  return {
    env: e.NODE_ENV,
    databaseUrl: e.DATABASE_URL ?? e.PLAUDIT_DATABASE_FILE,
    databaseFile: e.DATABASE_URL?.startsWith('file:') ? e.DATABASE_URL.replace(/^file:(\/\/)?/, '') : e.PLAUDIT_DATABASE_FILE,
    databasePoolSize: e.PLAUDIT_DATABASE_POOL,
    databaseBusyMs: e.PLAUDIT_DATABASE_BUSY_MS,
    redisUrl: e.REDIS_URL,
    queuePrefix: e.PLAUDIT_QUEUE_PREFIX,
    port: e.PORT,
    host: e.HOST,
    publicBaseUrl: e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`,
    adminApiKey: e.PLAUDIT_ADMIN_API_KEY,
    workerConcurrency: e.PLAUDIT_WORKER_CONCURRENCY,
    workerLockMs: e.PLAUDIT_WORKER_LOCK_MS,
    analyzeBatchSize: e.PLAUDIT_ANALYZE_BATCH_SIZE,
    logLevel: e.LOG_LEVEL,
    ratingStructuredData: e.PLAUDIT_RATING_STRUCTURED_DATA === 'on',
    secureCookies: e.PLAUDIT_SECURE_COOKIES === undefined ? e.NODE_ENV === 'production' : e.PLAUDIT_SECURE_COOKIES === 'true',
    trustProxy: parseTrustProxy(e.PLAUDIT_TRUST_PROXY),
    headersTimeoutMs: e.PLAUDIT_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: e.PLAUDIT_REQUEST_TIMEOUT_MS,
    executablePath: e.PATH.split(':').filter(Boolean),
    google: {
      clientId: e.GOOGLE_CLIENT_ID,
      clientSecret: e.GOOGLE_CLIENT_SECRET,
      redirectUri: e.GOOGLE_REDIRECT_URI ?? (e.PUBLIC_BASE_URL ? new URL('/app/settings/google/callback', e.PUBLIC_BASE_URL).toString() : undefined),
      apiRoot: e.GOOGLE_API_ROOT,
      tokenUrl: e.GOOGLE_OAUTH_TOKEN_URL,
      authUrl: e.GOOGLE_OAUTH_AUTH_URL,
      placesApiKey: e.GOOGLE_PLACES_API_KEY,
      tokenKey: parseTokenKey(e.PLAUDIT_TOKEN_KEY),
      requestsPerMinute: e.GOOGLE_REQUESTS_PER_MINUTE,
      incrementalEveryMinutes: e.GOOGLE_SYNC_INCREMENTAL_MINUTES,
      fullEveryHours: e.GOOGLE_SYNC_FULL_HOURS,
      demo: e.PLAUDIT_DEMO_GOOGLE === '1',
    },
  }
}

let loaded: Config | undefined

/** The configuration of this process, read from process.env on first use. */
export function config(): Config {
  loaded ??= parseConfig(process.env)
  return loaded
}
