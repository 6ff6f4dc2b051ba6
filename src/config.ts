import { z } from 'zod'

/**
 * The one reader of the environment. Parsed once; every other module receives values from here.
 */

const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PLAUDIT_DATABASE_FILE: z.string().min(1).default('data/plaudit.db'),
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
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
})

export type Config = {
  env: 'development' | 'test' | 'production'
  databaseFile: string
  /** How long a write waits for another process's write lock before giving up. */
  databaseBusyMs: number
  redisUrl: string
  queuePrefix: string
  port: number
  host: string
  publicBaseUrl: string | undefined
  adminApiKey: string | undefined
  workerConcurrency: number
  /** How long a job's lock lasts without renewal: after a crash, its job is retried this much later. */
  workerLockMs: number
  analyzeBatchSize: number
  logLevel: string
  ratingStructuredData: boolean
  secureCookies: boolean
  /** Where the demo looks for a redis-server to start when none answers. */
  executablePath: string[]
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
  return {
    env: e.NODE_ENV,
    databaseFile: e.PLAUDIT_DATABASE_FILE,
    databaseBusyMs: e.PLAUDIT_DATABASE_BUSY_MS,
    redisUrl: e.REDIS_URL,
    queuePrefix: e.PLAUDIT_QUEUE_PREFIX,
    port: e.PORT,
    host: e.HOST,
    publicBaseUrl: e.PUBLIC_BASE_URL,
    adminApiKey: e.PLAUDIT_ADMIN_API_KEY,
    workerConcurrency: e.PLAUDIT_WORKER_CONCURRENCY,
    workerLockMs: e.PLAUDIT_WORKER_LOCK_MS,
    analyzeBatchSize: e.PLAUDIT_ANALYZE_BATCH_SIZE,
    logLevel: e.LOG_LEVEL,
    ratingStructuredData: e.PLAUDIT_RATING_STRUCTURED_DATA === 'on',
    secureCookies: e.PLAUDIT_SECURE_COOKIES === undefined ? e.NODE_ENV === 'production' : e.PLAUDIT_SECURE_COOKIES === 'true',
    executablePath: e.PATH.split(':').filter(Boolean),
  }
}

let loaded: Config | undefined

/** The configuration of this process, read from process.env on first use. */
export function config(): Config {
  loaded ??= parseConfig(process.env)
  return loaded
}
