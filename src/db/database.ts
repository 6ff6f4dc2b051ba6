import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import Sqlite from 'better-sqlite3'
import { sql, type SQL } from 'drizzle-orm'
import { drizzle as drizzleSqlite, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import { migrate as migrateSqlite } from 'drizzle-orm/better-sqlite3/migrator'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator'
import { PgDialect } from 'drizzle-orm/pg-core'
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core'
import pg from 'pg'

export type Dialect = 'sqlite' | 'postgres'
export type Row = Record<string, unknown>

/**
 * What stores run their SQL on: the database itself, or an open transaction. Queries are drizzle
 * `sql` templates, so values are always bound parameters and the same text runs on both engines;
 * a store branches on `dialect` only where the engines really differ (full-text search, date maths).
 */
export interface SqlRunner {
  readonly dialect: Dialect
  /** Every row the query returns. */
  all<T extends object = Row>(query: SQL): Promise<T[]>
  /** The first row the query returns, if any. */
  get<T extends object = Row>(query: SQL): Promise<T | undefined>
  /** Runs a statement that returns no rows; resolves to how many rows it changed. */
  run(query: SQL): Promise<number>
  /**
   * Inserts many rows with multi-row statements (the import's and the analysis's hot path, where
   * rendering a template per value would cost more than the database). `suffix` is fixed SQL such
   * as `on conflict do nothing`. Resolves to how many rows were inserted or updated.
   */
  insertRows(table: string, columns: readonly string[], rows: ReadonlyArray<readonly unknown[]>, suffix?: string): Promise<number>
}

export interface Db extends SqlRunner {
  /** Where the data lives, without credentials: for logs and /healthz. */
  readonly description: string
  /**
   * Runs `work` in one transaction: commits when it resolves, rolls back when it throws.
   * SQLite: BEGIN IMMEDIATE, so a read-then-write waits for the write lock instead of failing, and
   * the process's other queries wait until it ends (one connection). PostgreSQL: READ COMMITTED on
   * a pooled connection; stores take row locks (`for update`) where two processes could race.
   */
  transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T>
  /** Applies the committed migrations of this engine (drizzle/sqlite or drizzle/pg). */
  migrate(): Promise<void>
  healthy(): Promise<boolean>
  close(): Promise<void>
  /** The SQLite connection, for what only SQLite has (online backup); null on PostgreSQL. */
  readonly sqlite: Sqlite.Database | null
}

export interface OpenOptions {
  /** How long a write waits for another process's lock: SQLite busy_timeout, PostgreSQL lock_timeout. */
  busyTimeoutMs?: number
  /** PostgreSQL: connections per process. */
  poolSize?: number
}

const migrationsRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../drizzle')

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url)
}

/** `postgres://…` opens PostgreSQL; a path or `file:` URL opens (and creates) a SQLite file. */
export function openDatabase(url: string, options: OpenOptions = {}): Db {
  return isPostgresUrl(url) ? new PostgresDb(url, options) : new SqliteDb(url.replace(/^file:(\/\/)?/, ''), options)
}

export async function migrateDatabase(db: Db): Promise<void> {
  await db.migrate()
}

export async function closeDatabase(db: Db): Promise<void> {
  await db.close()
}

export async function isDatabaseHealthy(db: Db): Promise<boolean> {
  return db.healthy()
}

/** `(?, ?, ?)` for an IN list; callers skip the query when the list is empty. */
export function inList(values: readonly unknown[]): SQL {
  if (values.length === 0) throw new Error('inList needs at least one value')
  return sql`(${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )})`
}

/** Is this error the database being busy or unreachable (answer 503, retry later) rather than a bug? */
export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | null
  if (!e) return false
  if (e.code === 'SQLITE_BUSY' || e.code === 'SQLITE_LOCKED') return true
  // PostgreSQL: connection refused/reset, too many connections, shutting down, lock timeouts.
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '53300', '55P03', '40001', '40P01'].includes(e.code ?? '')) return true
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(e.message ?? '')
}

const ROWS_PER_INSERT = 500

/** `insert into "t" ("a", "b") values (…), (…) suffix`, with `placeholder(n)` for the n-th value (0-based). */
function multiRowInsert(table: string, columns: readonly string[], rowCount: number, suffix: string, placeholder: (n: number) => string): string {
  const rows: string[] = []
  for (let r = 0; r < rowCount; r++) rows.push(`(${columns.map((_, c) => placeholder(r * columns.length + c)).join(', ')})`)
  return `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values ${rows.join(', ')} ${suffix}`
}

/** Items in batches of `size`: one statement per batch stays under the engines' limits on bound values. */
export function inBatches<T>(items: readonly T[], size = ROWS_PER_INSERT): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** Splits rows so one statement stays under the engine's limit on bound values. */
function insertChunks<T>(rows: readonly T[], columns: number, maxValues: number): T[][] {
  return inBatches(rows, Math.max(1, Math.min(ROWS_PER_INSERT, Math.floor(maxValues / columns))))
}

// ---- SQLite ----

type SqliteValue = string | number | bigint | Buffer | null

function toSqliteValue(value: unknown): SqliteValue {
  if (value === undefined || value === null) return null
  if (typeof value === 'boolean') return value ? 1 : 0
  if (value instanceof Date) return value.toISOString()
  return value as SqliteValue
}

/**
 * better-sqlite3 is synchronous; the async surface lets the same stores run on PostgreSQL. Statements
 * are prepared once per SQL text and reused: the import's hot path runs a few statements per review.
 */
class SqliteDb implements Db {
  readonly dialect = 'sqlite' as const
  readonly description: string
  readonly sqlite: Sqlite.Database
  private readonly drizzle: BetterSQLite3Database
  private readonly dialectRenderer = new SQLiteSyncDialect()
  private readonly statements = new Map<string, Sqlite.Statement>()
  /**
   * Resolves when the open transaction ends; other queries of this process wait for it. Callers check
   * it in a loop right before running, with no await in between: otherwise a query could slip into
   * a transaction that began while it waited.
   */
  private inTransaction: Promise<void> | null = null

  constructor(file: string, options: OpenOptions) {
    if (file !== ':memory:') mkdirSync(dirname(resolve(file)), { recursive: true })
    this.description = `sqlite:${file}`
    this.sqlite = new Sqlite(file)
    // WAL: readers go on while the one writer writes; busy_timeout makes a second writer (another
    // process) wait instead of failing at once; past it the caller gets SQLITE_BUSY (API 503, job retry).
    this.sqlite.pragma('journal_mode = WAL')
    this.sqlite.pragma('synchronous = NORMAL')
    this.sqlite.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`)
    this.sqlite.pragma('foreign_keys = ON')
    this.drizzle = drizzleSqlite({ client: this.sqlite })
  }

  private statement(query: SQL): { statement: Sqlite.Statement; params: SqliteValue[] } {
    const rendered = this.dialectRenderer.sqlToQuery(query)
    return { statement: this.prepared(rendered.sql), params: rendered.params.map(toSqliteValue) }
  }

  private prepared(text: string): Sqlite.Statement {
    let statement = this.statements.get(text)
    if (!statement) {
      statement = this.sqlite.prepare(text)
      if (this.statements.size > 500) this.statements.clear()
      this.statements.set(text, statement)
    }
    return statement
  }

  /** When the event loop last turned during the open transaction. */
  private lastTurn = 0

  /**
   * Statements are synchronous: a long transaction (a big import or analysis batch) would hold the
   * event loop, and a worker's job lock would lapse for want of renewal. Inside a transaction the
   * loop gets a turn every 50 ms; the process's other queries still wait for the transaction.
   * Outside a transaction nothing is awaited before a statement (see inTransaction).
   */
  private eventLoopIsDue(): boolean {
    return this.inTransaction !== null && performance.now() - this.lastTurn >= 50
  }

  private async letTheEventLoopTurn(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve))
    this.lastTurn = performance.now()
  }

  private readonly runner: SqlRunner = {
    dialect: 'sqlite',
    all: async <T extends object>(query: SQL) => {
      if (this.eventLoopIsDue()) await this.letTheEventLoopTurn()
      const { statement, params } = this.statement(query)
      return statement.all(...params) as T[]
    },
    get: async <T extends object>(query: SQL) => {
      if (this.eventLoopIsDue()) await this.letTheEventLoopTurn()
      const { statement, params } = this.statement(query)
      return statement.get(...params) as T | undefined
    },
    run: async (query: SQL) => {
      if (this.eventLoopIsDue()) await this.letTheEventLoopTurn()
      const { statement, params } = this.statement(query)
      return statement.run(...params).changes
    },
    insertRows: async (table, columns, rows, suffix = '') => {
      let changed = 0
      for (const part of insertChunks(rows, columns.length, 32_766)) {
        if (this.eventLoopIsDue()) await this.letTheEventLoopTurn()
        const statement = this.prepared(multiRowInsert(table, columns, part.length, suffix, () => '?'))
        changed += statement.run(...part.flatMap((row) => row.map(toSqliteValue))).changes
      }
      return changed
    },
  }

  async all<T extends object = Row>(query: SQL): Promise<T[]> {
    while (this.inTransaction) await this.inTransaction
    return this.runner.all<T>(query)
  }

  async get<T extends object = Row>(query: SQL): Promise<T | undefined> {
    while (this.inTransaction) await this.inTransaction
    return this.runner.get<T>(query)
  }

  async run(query: SQL): Promise<number> {
    while (this.inTransaction) await this.inTransaction
    return this.runner.run(query)
  }

  async insertRows(table: string, columns: readonly string[], rows: ReadonlyArray<readonly unknown[]>, suffix?: string): Promise<number> {
    while (this.inTransaction) await this.inTransaction
    return this.runner.insertRows(table, columns, rows, suffix)
  }

  async transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T> {
    while (this.inTransaction) await this.inTransaction
    let end!: () => void
    this.inTransaction = new Promise((resolve) => (end = resolve))
    this.lastTurn = performance.now()
    try {
      this.sqlite.prepare('begin immediate').run()
      try {
        const result = await work(this.runner)
        this.sqlite.prepare('commit').run()
        return result
      } catch (error) {
        if (this.sqlite.inTransaction) this.sqlite.prepare('rollback').run()
        throw error
      }
    } finally {
      this.inTransaction = null
      end()
    }
  }

  async migrate(): Promise<void> {
    migrateSqlite(this.drizzle, { migrationsFolder: resolve(migrationsRoot, 'sqlite') })
  }

  async healthy(): Promise<boolean> {
    try {
      return this.sqlite.prepare('select 1 as ok').get() !== undefined
    } catch {
      return false
    }
  }

  async close(): Promise<void> {
    if (this.sqlite.open) this.sqlite.close()
  }
}

// ---- PostgreSQL ----

// Counts and sums come back from PostgreSQL as int8/numeric strings; every figure we store fits a double.
const PG_INT8 = 20
const PG_NUMERIC = 1700
const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === PG_INT8 || oid === PG_NUMERIC ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
}

function toPgValue(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value === undefined ? null : value
}

/** The schema a connection works in: `?options=-c search_path=x` in the URL (tests give each file its own). */
function searchPathOf(url: string): string | null {
  const options = new URL(url).searchParams.get('options') ?? ''
  const match = /search_path\s*=\s*([A-Za-z_][A-Za-z0-9_]*)/.exec(options)
  return match ? match[1]! : null
}

class PostgresDb implements Db {
  readonly dialect = 'postgres' as const
  readonly description: string
  readonly sqlite = null
  private readonly pool: pg.Pool
  private readonly renderer = new PgDialect()
  private readonly schema: string | null
  private readonly runner: SqlRunner

  constructor(url: string, options: OpenOptions) {
    const parsed = new URL(url)
    this.description = `postgres://${parsed.host}${parsed.pathname}`
    this.schema = searchPathOf(url)
    this.pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      types: pgTypes,
      connectionTimeoutMillis: 5000,
      // The counterpart of SQLite's busy_timeout: a statement waits this long for a row or table lock,
      // then fails with lock_not_available (API 503, job retried with backoff).
      lock_timeout: Math.trunc(options.busyTimeoutMs ?? 5000),
    })
    // An idle connection dropped by the server (restart, failover) must not crash the process.
    this.pool.on('error', () => {})
    this.runner = this.runnerOn(this.pool)
  }

  /** Renders with drizzle's PostgreSQL dialect ($1, $2, …) and runs on the pool or a transaction's client. */
  private runnerOn(client: pg.Pool | pg.PoolClient): SqlRunner {
    const execute = (query: SQL) => {
      const rendered = this.renderer.sqlToQuery(query)
      return client.query(rendered.sql, rendered.params.map(toPgValue))
    }
    return {
      dialect: 'postgres',
      all: async <T extends object>(query: SQL) => (await execute(query)).rows as T[],
      get: async <T extends object>(query: SQL) => (await execute(query)).rows[0] as T | undefined,
      run: async (query: SQL) => (await execute(query)).rowCount ?? 0,
      insertRows: async (table, columns, rows, suffix = '') => {
        let changed = 0
        for (const part of insertChunks(rows, columns.length, 65_535)) {
          const text = multiRowInsert(table, columns, part.length, suffix, (n) => `$${n + 1}`)
          changed += (await client.query(text, part.flatMap((row) => row.map(toPgValue)))).rowCount ?? 0
        }
        return changed
      },
    }
  }

  all<T extends object = Row>(query: SQL): Promise<T[]> {
    return this.runner.all<T>(query)
  }

  get<T extends object = Row>(query: SQL): Promise<T | undefined> {
    return this.runner.get<T>(query)
  }

  run(query: SQL): Promise<number> {
    return this.runner.run(query)
  }

  insertRows(table: string, columns: readonly string[], rows: ReadonlyArray<readonly unknown[]>, suffix?: string): Promise<number> {
    return this.runner.insertRows(table, columns, rows, suffix)
  }

  async transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T> {
    const client = await this.pool.connect()
    try {
      await client.query('begin')
      try {
        const result = await work(this.runnerOn(client))
        await client.query('commit')
        return result
      } catch (error) {
        await client.query('rollback').catch(() => {})
        throw error
      }
    } finally {
      client.release()
    }
  }

  async migrate(): Promise<void> {
    if (this.schema) await this.pool.query(`create schema if not exists "${this.schema}"`)
    // Two processes starting at once must not both apply a migration: one waits for the other.
    const client = await this.pool.connect()
    try {
      await client.query('select pg_advisory_lock(727274)')
      await migratePg(drizzlePg({ client }), { migrationsFolder: resolve(migrationsRoot, 'pg'), migrationsSchema: this.schema ?? 'drizzle' })
    } finally {
      await client.query('select pg_advisory_unlock(727274)').catch(() => {})
      client.release()
    }
  }

  async healthy(): Promise<boolean> {
    try {
      await this.pool.query('select 1')
      return true
    } catch {
      return false
    }
  }

  async close(): Promise<void> {
    await this.pool.end()
  }
}
