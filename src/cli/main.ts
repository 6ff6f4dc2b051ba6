import { Command } from 'commander'
import { startApiServer } from '../api/server.ts'
import { chiropracticPack } from '../domain/themes/default-pack.ts'
import { createTagger } from '../domain/themes/tagger.ts'
import { closeDatabase, migrateDatabase, openDatabase } from '../db/database.ts'
import { config } from '../config.ts'
import { runWorker } from '../workers/run.ts'
import { runDemo } from './commands/demo.ts'
import { runEval } from './commands/eval.ts'
import { runGoogleAddLocation, runGoogleConnect, runGoogleSync, settingsDependencies, workerGoogle } from './commands/google.ts'
import { JobQueue } from '../jobs/queue.ts'
import { setPlaceLocation } from '../db/stores/google.ts'
import { ensureLocation } from '../db/stores/locations.ts'
import { describeImport, runImport } from './commands/import.ts'
import { runTag } from './commands/tag.ts'
import { closeRuntime, onShutdown, openRedis, openRuntime, systemClock } from './runtime.ts'

const program = new Command()
program.name('plaudit').description('Reviews in sync, themes tagged, verified testimonials served.')

program
  .command('migrate')
  .description('apply the database migrations')
  .action(() => {
    const db = openDatabase(config().databaseFile)
    migrateDatabase(db)
    closeDatabase(db)
    console.log(`migrated ${config().databaseFile}`)
  })

program
  .command('import')
  .description('import reviews from a CSV, JSON or JSON Lines file and queue them for tagging')
  .argument('<file>', 'columns: id, source, author, rating, text, created_at, url')
  .requiredOption('--location <id>', 'the location the reviews belong to')
  .action(async (file: string, options: { location: string }) => {
    const runtime = openRuntime()
    try {
      const result = await runImport(runtime, file, options.location, (line) => process.stderr.write(`\r${line}`))
      process.stderr.write('\n')
      console.log(describeImport(result))
      process.exitCode = result.rowsRejected > 0 ? 2 : 0
    } finally {
      closeRuntime(runtime)
    }
  })

program
  .command('worker')
  .description('run queue workers until SIGTERM (the current job finishes first)')
  .action(() => {
    const runtime = openRuntime()
    const redis = openRedis(runtime)
    const worker = runWorker({
      db: runtime.db,
      redis,
      prefix: runtime.config.queuePrefix,
      analyzer: runtime.analyzer,
      concurrency: runtime.config.workerConcurrency,
      logger: runtime.logger,
      now: systemClock,
      google: workerGoogle(runtime),
    })
    worker.on('ready', () => runtime.logger.info({ prefix: runtime.config.queuePrefix }, 'worker ready'))
    onShutdown(runtime.logger, async () => {
      await worker.close()
      await redis.quit()
      closeRuntime(runtime)
    })
  })

program
  .command('serve')
  .description('serve the API, the public feeds and the widget')
  .action(async () => {
    const runtime = openRuntime()
    const redis = openRedis(runtime)
    const queue = new JobQueue(redis, runtime.config.queuePrefix)
    const api = await startApiServer({
      db: runtime.db,
      redis,
      prefix: runtime.config.queuePrefix,
      logger: runtime.logger,
      adminApiKey: runtime.config.adminApiKey,
      themeIds: runtime.analyzer.pack.themes.map((t) => t.id),
      now: systemClock,
      port: runtime.config.port,
      host: runtime.config.host,
      google: settingsDependencies(runtime, redis, queue),
      places: { apiKey: runtime.config.google.placesApiKey, apiRoot: runtime.config.google.apiRoot },
    })
    runtime.logger.info({ url: api.url }, 'listening')
    console.log(`listening on ${api.url}`)
    onShutdown(runtime.logger, async () => {
      await api.close()
      await queue.close()
      await redis.quit()
      closeRuntime(runtime)
    })
  })

program
  .command('demo')
  .description('sample reviews through the real pipeline, then the site on http://localhost:3000')
  .action(runDemo)

program
  .command('tag')
  .description('tag {"id","text"} JSON lines with themes, without a database or Redis')
  .argument('<file>', 'a .jsonl file, or - for standard input')
  .action(async (file: string) => {
    const tag = createTagger(chiropracticPack)
    process.exitCode = await runTag(file, tag, (line) => process.stdout.write(`${line}\n`), (line) => process.stderr.write(`${line}\n`))
  })

program
  .command('eval')
  .description('score the theme tagger on labelled reviews (clinic-dev.jsonl format); prints a JSON report')
  .argument('<file>', 'labelled .jsonl file')
  .action(async (file: string) => {
    const report = await runEval(file, createTagger(chiropracticPack))
    console.log(JSON.stringify(report, null, 2))
  })

// --- Google Business Profile (issue 4) ---
const googleCommand = program.command('google').description('connect Google Business Profile locations and sync their reviews')

googleCommand
  .command('connect')
  .description('connect a Google account (OAuth in a browser, answer received on 127.0.0.1) and pick locations to sync')
  .option('--port <port>', 'loopback port for Google to send the owner back to (0: any free port)', '0')
  .action(async (options: { port: string }) => {
    const runtime = openRuntime()
    try {
      await runGoogleConnect(runtime, options)
    } finally {
      closeRuntime(runtime)
    }
  })

googleCommand
  .command('add-location')
  .description('for servers without a browser: sync a location with a refresh token obtained elsewhere')
  .requiredOption('--location <name>', 'accounts/{account}/locations/{location}')
  .requiredOption('--refresh-token-file <file>', 'a file holding only the refresh token (stored encrypted, never in plaintext)')
  .option('--id <locationId>', 'Plaudit location id (default: google-{location})')
  .action(async (options: { location: string; refreshTokenFile: string; id?: string }) => {
    const runtime = openRuntime()
    try {
      await runGoogleAddLocation(runtime, options)
    } finally {
      closeRuntime(runtime)
    }
  })

googleCommand
  .command('add-place')
  .description('show a location known only by its Place id with up to 5 Google reviews fetched at display time (never stored)')
  .requiredOption('--location <id>', 'Plaudit location id')
  .requiredOption('--place-id <placeId>', 'the Google Place id')
  .action((options: { location: string; placeId: string }) => {
    const runtime = openRuntime()
    try {
      ensureLocation(runtime.db, { id: options.location, name: options.location })
      setPlaceLocation(runtime.db, options.location, options.placeId)
      console.log(`${options.location}: Places fallback at /api/public/v1/locations/${options.location}/google-reviews`)
    } finally {
      closeRuntime(runtime)
    }
  })

googleCommand
  .command('sync')
  .description('sync one location now: incremental (new and edited reviews) or --full (every page, removals)')
  .requiredOption('--location <id>', 'Plaudit location id, or accounts/{a}/locations/{l}')
  .option('--full', 'walk every page and mark reviews gone from Google as removed', false)
  .action(async (options: { location: string; full: boolean }) => {
    const runtime = openRuntime()
    try {
      console.log(JSON.stringify(await runGoogleSync(runtime, options)))
    } finally {
      closeRuntime(runtime)
    }
  })

program.parseAsync().catch((error: Error) => {
  process.stderr.write(`plaudit: ${error.message}\n`)
  process.exit(1)
})
