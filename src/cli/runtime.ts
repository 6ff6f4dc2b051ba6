import { config, type Config } from '../config.ts'
import { closeDatabase, migrateDatabase, openDatabase, type Db } from '../db/database.ts'
import { connectRedis } from '../jobs/queue.ts'
import { createLogger, type Logger } from '../logging.ts'
import type { Analyzer } from '../services/analyze-reviews.ts'
import { createStoredAnalyzer } from '../services/theme-backfill.ts'
import type { Redis } from 'ioredis'
import { openTokenCipher } from '../db/stores/google.ts'
import type { TokenCipher } from '../db/token-cipher.ts'

export const systemClock = () => new Date()

export interface Runtime {
  config: Config
  logger: Logger
  db: Db
  analyzer: Analyzer
  /** Encrypts Google refresh tokens; null when no PLAUDIT_TOKEN_KEY is set and no token is stored. */
  tokenCipher: TokenCipher | null
}

/** The database this process works on: DATABASE_URL (PostgreSQL or a SQLite file), else PLAUDIT_DATABASE_FILE. */
export function openConfiguredDatabase(cfg: Config = config()): Db {
  return openDatabase(cfg.databaseUrl, { busyTimeoutMs: cfg.databaseBusyMs, poolSize: cfg.databasePoolSize })
}

/** Opens what every long-running command needs; migrations run first so no process sees an old schema. */
export async function openRuntime(overrides: Partial<Config> = {}): Promise<Runtime> {
  const cfg = { ...config(), ...overrides }
  const logger = createLogger(cfg.logLevel)
  const db = openConfiguredDatabase(cfg)
  // A start-up that fails closes the database again: an open PostgreSQL pool would keep the process alive.
  try {
    await migrateDatabase(db)
    // A missing or wrong key is a start-up error: tokens are never read or written as plaintext.
    const tokenCipher = await openTokenCipher(db, cfg.google.tokenKey)
    // The active theme pack as stored (the shipped packs are saved on first use); the analyzer
    // follows later versions and retrained models by itself.
    const analyzer = await createStoredAnalyzer(db, systemClock)
    return { config: cfg, logger, db, analyzer, tokenCipher }
  } catch (error) {
    await closeDatabase(db).catch(() => {})
    throw error
  }
}

export async function closeRuntime(runtime: Runtime): Promise<void> {
  await closeDatabase(runtime.db)
}

export function openRedis(runtime: Runtime): Redis {
  const redis = connectRedis(runtime.config.redisUrl)
  redis.on('error', (error) => runtime.logger.warn({ err: error.message }, 'redis connection error'))
  return redis
}

/** Runs `stop` once on SIGTERM or SIGINT, then exits: the current job finishes, connections close. */
export function onShutdown(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down')
    stop()
      .then(() => {
        logger.info('closed cleanly')
        process.exit(0)
      })
      .catch((error: Error) => {
        logger.error({ err: error.message }, 'shutdown failed')
        process.exit(1)
      })
  }
  process.on('SIGTERM', handler)
  process.on('SIGINT', handler)
}
