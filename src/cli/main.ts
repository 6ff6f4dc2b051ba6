import { Command } from 'commander'
import { startApiServer } from '../api/server.ts'
import { chiropracticPack } from '../domain/themes/default-pack.ts'
import { createTagger } from '../domain/themes/tagger.ts'
import { backupDatabase, restoreDatabase } from '../db/backup.ts'
import { closeDatabase, isDatabaseHealthy, isPostgresUrl, migrateDatabase, openDatabase } from '../db/database.ts'
import { config } from '../config.ts'
import { runWorker } from '../workers/run.ts'
import { connectRedis, JobQueue } from '../jobs/queue.ts'
import { runDemo } from './commands/demo.ts'
import { runGoogleAddLocation, runGoogleConnect, runGoogleSync, settingsDependencies, workerGoogle } from './commands/google.ts'
import { setPlaceLocation } from '../db/stores/google.ts'
import { ensureLocation } from '../db/stores/locations.ts'
import { describeEval, evalPack, readLabelled } from './commands/eval.ts'
import { exportThemePack, importThemePack, listThemePacks, retrainThemePack, startBackfill } from './commands/themes.ts'
import type { TrainingExample } from '../domain/themes/learner.ts'
import { correctionsFor } from '../db/stores/theme-packs.ts'
import { SHIPPED_PACKS, correctionExamples, ensureShippedPacks, getPack } from '../services/theme-packs.ts'
import { describeImport, runImport } from './commands/import.ts'
import { runTag } from './commands/tag.ts'
import { rebuildDashboardRollups } from '../services/rollups.ts'
import { exportPractice } from '../services/export-practice.ts'
import { runExport } from './commands/export.ts'
import { runUsersAdd } from './commands/users.ts'
import { labelledExamplesFromCorrections } from '../services/moderation.ts'
import { closeRuntime, onShutdown, openConfiguredDatabase, openRedis, openRuntime, systemClock } from './runtime.ts'

const program = new Command()
program.name('plaudit').description('Reviews in sync, themes tagged, verified testimonials served.')

program
  .command('migrate')
  .description('apply the database migrations')
  .action(async () => {
    const db = openConfiguredDatabase()
    try {
      await migrateDatabase(db)
    } finally {
      await closeDatabase(db)
    }
    // Which database, never its credentials.
    console.log(`migrated ${db.description}`)
  })

program
  .command('health')
  .description('exit 0 when the database and Redis answer (the compose health check of a worker)')
  .action(async () => {
    const db = openConfiguredDatabase()
    const redis = connectRedis(config().redisUrl, { lazy: true })
    redis.on('error', () => undefined) // reported below as "unreachable"
    try {
      const [database, queue] = await Promise.all([
        isDatabaseHealthy(db),
        redis.connect().then(
          () => redis.ping().then((pong) => pong === 'PONG'),
          () => false,
        ),
      ])
      console.log(JSON.stringify({ database: database ? 'ok' : 'unreachable', redis: queue ? 'ok' : 'unreachable' }))
      process.exitCode = database && queue ? 0 : 1
    } finally {
      redis.disconnect()
      await closeDatabase(db)
    }
  })

program
  .command('import')
  .description('import reviews from a CSV, JSON or JSON Lines file and queue them for tagging')
  .argument('<file>', 'columns: id, source, author, rating, text, created_at, url')
  .requiredOption('--location <id>', 'the location the reviews belong to')
  .action(async (file: string, options: { location: string }) => {
    const runtime = await openRuntime()
    try {
      const result = await runImport(runtime, file, options.location, (line) => process.stderr.write(`\r${line}`))
      process.stderr.write('\n')
      console.log(describeImport(result))
      process.exitCode = result.rowsRejected > 0 ? 2 : 0
    } finally {
      await closeRuntime(runtime)
    }
  })

program
  .command('worker')
  .description('run queue workers until SIGTERM (the current job finishes first)')
  .action(async () => {
    const runtime = await openRuntime()
    const redis = openRedis(runtime)
    const worker = runWorker({
      db: runtime.db,
      redis,
      prefix: runtime.config.queuePrefix,
      analyzer: runtime.analyzer,
      concurrency: runtime.config.workerConcurrency,
      lockDurationMs: runtime.config.workerLockMs,
      logger: runtime.logger,
      now: systemClock,
      google: workerGoogle(runtime),
    })
    worker.on('ready', () => runtime.logger.info({ prefix: runtime.config.queuePrefix }, 'worker ready'))
    // Issue 6: an expired patient authorization takes the name off the feed within a minute.
    const scheduler = new JobQueue(redis, runtime.config.queuePrefix)
    scheduler.scheduleEvery('expire-authorizations', 60_000, {}).catch((error: Error) => runtime.logger.warn({ err: error.message }, 'could not schedule expire-authorizations'))
    onShutdown(runtime.logger, async () => {
      await worker.close()
      await scheduler.close()
      await redis.quit()
      await closeRuntime(runtime)
    })
  })

program
  .command('serve')
  .description('serve the API, the public feeds and the widget')
  .action(async () => {
    const runtime = await openRuntime()
    const redis = openRedis(runtime)
    const queue = new JobQueue(redis, runtime.config.queuePrefix)
    const api = await startApiServer({
      db: runtime.db,
      redis,
      prefix: runtime.config.queuePrefix,
      logger: runtime.logger,
      adminApiKey: runtime.config.adminApiKey,
      themeIds: runtime.analyzer.pack.themes.map((t) => t.id),
      themeLabels: runtime.analyzer.pack.themes.map((t) => ({ id: t.id, label: t.label })),
      now: systemClock,
      port: runtime.config.port,
      host: runtime.config.host,
      publicBaseUrl: runtime.config.publicBaseUrl,
      ratingStructuredData: runtime.config.ratingStructuredData,
      secureCookies: runtime.config.secureCookies,
      trustProxy: runtime.config.trustProxy,
      headersTimeoutMs: runtime.config.headersTimeoutMs,
      requestTimeoutMs: runtime.config.requestTimeoutMs,
      google: settingsDependencies(runtime, redis, queue),
      places: { apiKey: runtime.config.google.placesApiKey, apiRoot: runtime.config.google.apiRoot },
    })
    runtime.logger.info({ url: api.url }, 'listening')
    console.log(`listening on ${api.url}`)
    onShutdown(runtime.logger, async () => {
      await api.close()
      await queue.close()
      await redis.quit()
      await closeRuntime(runtime)
    })
  })

program
  .command('demo')
  .description('sample reviews through the real pipeline, then the site on http://localhost:3000')
  .action(runDemo)

program
  .command('backup')
  .description('write a consistent copy of the database while it is in use')
  .argument('<file>', 'where to write the copy')
  .action(async (file: string) => {
    // On PostgreSQL backupDatabase refuses with a BackupError naming pg_dump: printed, exit 1 (below).
    const db = openConfiguredDatabase()
    try {
      const { pages } = await backupDatabase(db, file)
      console.log(`backed up ${config().databaseFile} to ${file} (${pages} pages)`)
    } finally {
      await closeDatabase(db)
    }
  })

program
  .command('restore')
  .description('replace the database with a backup (stop the API and workers first); the old file is kept as <file>.before-restore')
  .argument('<file>', 'a file written by plaudit backup')
  .action(async (file: string) => {
    const cfg = config()
    if (isPostgresUrl(cfg.databaseUrl)) {
      // A PostgreSQL database is restored by PostgreSQL's own tools, from a pg_dump archive.
      process.stderr.write(
        `plaudit: restore replaces a SQLite file; DATABASE_URL is PostgreSQL. Stop the API and workers, then run:\n  pg_restore --clean --if-exists --dbname "$DATABASE_URL" ${file}\n`,
      )
      process.exitCode = 1
      return
    }
    const { reviews } = await restoreDatabase(file, cfg.databaseFile)
    const db = openDatabase(cfg.databaseFile, { busyTimeoutMs: cfg.databaseBusyMs })
    try {
      await migrateDatabase(db)
    } finally {
      await closeDatabase(db)
    }
    console.log(`restored ${cfg.databaseFile} from ${file}: ${reviews} reviews`)
  })

program
  .command('tag')
  .description('tag {"id","text"} JSON lines with themes, without a database or Redis')
  .argument('<file>', 'a .jsonl file, or - for standard input')
  .option('--pack <id>', 'shipped theme pack', 'chiropractic')
  .action(async (file: string, options: { pack: string }) => {
    const pack = SHIPPED_PACKS.find((p) => p.id === options.pack)
    if (pack === undefined) throw new Error(`no shipped theme pack "${options.pack}"`)
    const tag = createTagger(pack)
    process.exitCode = await runTag(file, tag, (line) => process.stdout.write(`${line}\n`), (line) => process.stderr.write(`${line}\n`))
  })

program
  .command('eval')
  .description('score the theme tagger on labelled reviews (clinic-dev.jsonl format); prints a JSON report, a table on stderr')
  .argument('<file>', 'labelled .jsonl file')
  .option('--pack <id>', 'theme pack (shipped: chiropractic, restaurant)', 'chiropractic')
  .option('--folds <k>', 'k-fold cross-validation of the learned part (train on k-1 folds, test on the other)')
  .option('--db', 'use the pack as stored in the database, with curators\' corrections')
  .option('--train <file>', 'labelled .jsonl file to train the classifier on (never the scored file), e.g. a train split')
  .action(async (file: string, options: { pack: string; folds?: string; db?: boolean; train?: string }) => {
    const folds = options.folds === undefined ? undefined : Number(options.folds)
    if (folds !== undefined && (!Number.isInteger(folds) || folds < 2)) throw new Error(`--folds must be an integer ≥ 2, got "${options.folds}"`)
    const items = await readLabelled(file)
    let pack = SHIPPED_PACKS.find((p) => p.id === options.pack)
    let corrections: TrainingExample[] = []
    if (options.db === true) {
      const runtime = await openRuntime()
      try {
        await ensureShippedPacks(runtime.db, new Date())
        pack = await getPack(runtime.db, options.pack)
        corrections = correctionExamples(await correctionsFor(runtime.db, pack.id))
      } finally {
        await closeRuntime(runtime)
      }
    }
    if (pack === undefined) throw new Error(`no shipped theme pack "${options.pack}" (use --db for a stored one)`)
    const training = options.train === undefined ? [] : await readLabelled(options.train)
    const report = evalPack(items, pack, corrections, folds, training)
    process.stderr.write(`${describeEval(report)}\n`)
    console.log(JSON.stringify(report, null, 2))
  })

// ---- issue 8: dashboard rollups and the practice's data export ----
program
  .command('rollups')
  .description('dashboard rollup tables')
  .command('rebuild')
  .description('recompute the dashboard rollups from the reviews; reports rows the incremental updates had differently')
  .action(async () => {
    const db = openConfiguredDatabase()
    try {
      await migrateDatabase(db)
      console.log(JSON.stringify(await rebuildDashboardRollups(db)))
    } finally {
      await closeDatabase(db)
    }
  })

program
  .command('export')
  .description("the whole practice's data as one JSON document (reviews, revisions, themes, testimonials, collections, imports, audit log)")
  .option('--out <file>', 'write to a file instead of standard output')
  .action(async (options: { out?: string }) => {
    const db = openConfiguredDatabase()
    try {
      await migrateDatabase(db)
      const counts = await runExport((out) => exportPractice(db, out, systemClock()), options.out)
      process.stderr.write(`exported ${Object.entries(counts).map(([table, n]) => `${table} ${n}`).join(', ')}\n`)
    } finally {
      await closeDatabase(db)
    }
  })

// Issue 6: accounts
const usersCommand = program.command('users').description('manage accounts (owners and marketing)')
usersCommand
  .command('add')
  .description('add a user; the password is asked for (hidden), or read from --password-file')
  .requiredOption('--email <email>', 'their e-mail address, used to sign in')
  .requiredOption('--role <role>', 'owner or marketing')
  .option('--password-file <file>', 'read the password from this file (first line) instead of asking')
  .action(async (options: { email: string; role: string; passwordFile?: string }) => {
    process.exitCode = await runUsersAdd(options)
  })

program
  .command('corrections')
  .description("the curators' theme verdicts as labelled JSON lines (the clinic-dev.jsonl format), for `plaudit eval`")
  .action(async () => {
    const runtime = await openRuntime()
    try {
      for (const example of await labelledExamplesFromCorrections(runtime.db)) process.stdout.write(`${JSON.stringify(example)}\n`)
    } finally {
      await closeRuntime(runtime)
    }
  })

// ---- theme packs (issue 5) ----
const themes = program.command('themes').description('theme packs: list, export, import, retrain, re-tag')

themes.command('list').description('the stored packs; * marks the active one').action(async () => {
  const runtime = await openRuntime()
  try {
    console.log(await listThemePacks(runtime))
  } finally {
    await closeRuntime(runtime)
  }
})

themes.command('export').description('write a pack as JSON').argument('<id>').argument('[file]', 'output file (default: standard output)')
  .action(async (id: string, file: string | undefined) => {
    const runtime = await openRuntime()
    try {
      const json = await exportThemePack(runtime, id, file)
      if (file === undefined || file === '-') process.stdout.write(json)
    } finally {
      await closeRuntime(runtime)
    }
  })

themes.command('import').description('save a JSON pack as its next version; the active pack\'s reviews are re-tagged')
  .argument('<file>').option('--wait', 'draw the re-tagging progress until it finishes (needs a running worker)')
  .action(async (file: string, options: { wait?: boolean }) => {
    const runtime = await openRuntime()
    try {
      const result = await importThemePack(runtime, file, (line) => process.stderr.write(`\r${line}`), options.wait === true)
      if (options.wait === true && result.backfill !== null) process.stderr.write('\n')
      console.log(result.message)
    } finally {
      await closeRuntime(runtime)
    }
  })

themes.command('retrain').description('rebuild a pack\'s classifier from its examples and curators\' corrections')
  .option('--pack <id>', 'default: the active pack')
  .action(async (options: { pack?: string }) => {
    const runtime = await openRuntime()
    try {
      const s = await retrainThemePack(runtime, options.pack)
      console.log(`retrained ${s.packId} v${s.packVersion} on ${s.examples} examples and ${s.corrections} corrections; classifier active for: ${s.learnedThemes.join(', ') || 'no theme yet'}`)
    } finally {
      await closeRuntime(runtime)
    }
  })

themes.command('backfill').description('re-tag every review with the active pack (resumes an interrupted run)')
  .option('--wait', 'draw the progress until it finishes (needs a running worker)')
  .action(async (options: { wait?: boolean }) => {
    const runtime = await openRuntime()
    try {
      const b = await startBackfill(runtime, (line) => process.stderr.write(`\r${line}`), options.wait === true)
      if (options.wait === true) process.stderr.write('\n')
      console.log(`${b.id}: ${b.status}, ${b.done}/${b.total} reviews`)
    } finally {
      await closeRuntime(runtime)
    }
  })

// --- Google Business Profile (issue 4) ---
const googleCommand = program.command('google').description('connect Google Business Profile locations and sync their reviews')

googleCommand
  .command('connect')
  .description('connect a Google account (OAuth in a browser, answer received on 127.0.0.1) and pick locations to sync')
  .option('--port <port>', 'loopback port for Google to send the owner back to (0: any free port)', '0')
  .action(async (options: { port: string }) => {
    const runtime = await openRuntime()
    try {
      await runGoogleConnect(runtime, options)
    } finally {
      await closeRuntime(runtime)
    }
  })

googleCommand
  .command('add-location')
  .description('for servers without a browser: sync a location with a refresh token obtained elsewhere')
  .requiredOption('--location <name>', 'accounts/{account}/locations/{location}')
  .requiredOption('--refresh-token-file <file>', 'a file holding only the refresh token (stored encrypted, never in plaintext)')
  .option('--id <locationId>', 'Plaudit location id (default: google-{location})')
  .action(async (options: { location: string; refreshTokenFile: string; id?: string }) => {
    const runtime = await openRuntime()
    try {
      await runGoogleAddLocation(runtime, options)
    } finally {
      await closeRuntime(runtime)
    }
  })

googleCommand
  .command('add-place')
  .description('show a location known only by its Place id with up to 5 Google reviews fetched at display time (never stored)')
  .requiredOption('--location <id>', 'Plaudit location id')
  .requiredOption('--place-id <placeId>', 'the Google Place id')
  .action(async (options: { location: string; placeId: string }) => {
    const runtime = await openRuntime()
    try {
      await ensureLocation(runtime.db, { id: options.location, name: options.location })
      await setPlaceLocation(runtime.db, options.location, options.placeId)
      console.log(`${options.location}: Places fallback at /api/public/v1/locations/${options.location}/google-reviews`)
    } finally {
      await closeRuntime(runtime)
    }
  })

googleCommand
  .command('sync')
  .description('sync one location now: incremental (new and edited reviews) or --full (every page, removals)')
  .requiredOption('--location <id>', 'Plaudit location id, or accounts/{a}/locations/{l}')
  .option('--full', 'walk every page and mark reviews gone from Google as removed', false)
  .action(async (options: { location: string; full: boolean }) => {
    const runtime = await openRuntime()
    try {
      console.log(JSON.stringify(await runGoogleSync(runtime, options)))
    } finally {
      await closeRuntime(runtime)
    }
  })

program.parseAsync().catch((error: Error) => {
  process.stderr.write(`plaudit: ${error.message}\n`)
  process.exit(1)
})
