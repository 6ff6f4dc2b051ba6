import { Command } from 'commander'
import { startApiServer } from '../api/server.ts'
import { chiropracticPack } from '../domain/themes/default-pack.ts'
import { createTagger } from '../domain/themes/tagger.ts'
import { closeDatabase, migrateDatabase, openDatabase } from '../db/database.ts'
import { config } from '../config.ts'
import { runWorker } from '../workers/run.ts'
import { runDemo } from './commands/demo.ts'
import { describeEval, evalPack, readLabelled } from './commands/eval.ts'
import { exportThemePack, importThemePack, listThemePacks, retrainThemePack, startBackfill } from './commands/themes.ts'
import type { TrainingExample } from '../domain/themes/learner.ts'
import { correctionsFor } from '../db/stores/theme-packs.ts'
import { SHIPPED_PACKS, correctionExamples, ensureShippedPacks, getPack } from '../services/theme-packs.ts'
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
    })
    runtime.logger.info({ url: api.url }, 'listening')
    console.log(`listening on ${api.url}`)
    onShutdown(runtime.logger, async () => {
      await api.close()
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
      const runtime = openRuntime()
      try {
        ensureShippedPacks(runtime.db, new Date())
        pack = getPack(runtime.db, options.pack)
        corrections = correctionExamples(correctionsFor(runtime.db, pack.id))
      } finally {
        closeRuntime(runtime)
      }
    }
    if (pack === undefined) throw new Error(`no shipped theme pack "${options.pack}" (use --db for a stored one)`)
    const training = options.train === undefined ? [] : await readLabelled(options.train)
    const report = evalPack(items, pack, corrections, folds, training)
    process.stderr.write(`${describeEval(report)}\n`)
    console.log(JSON.stringify(report, null, 2))
  })

// ---- theme packs (issue 5) ----
const themes = program.command('themes').description('theme packs: list, export, import, retrain, re-tag')

themes.command('list').description('the stored packs; * marks the active one').action(() => {
  const runtime = openRuntime()
  try {
    console.log(listThemePacks(runtime))
  } finally {
    closeRuntime(runtime)
  }
})

themes.command('export').description('write a pack as JSON').argument('<id>').argument('[file]', 'output file (default: standard output)')
  .action((id: string, file: string | undefined) => {
    const runtime = openRuntime()
    try {
      const json = exportThemePack(runtime, id, file)
      if (file === undefined || file === '-') process.stdout.write(json)
    } finally {
      closeRuntime(runtime)
    }
  })

themes.command('import').description('save a JSON pack as its next version; the active pack\'s reviews are re-tagged')
  .argument('<file>').option('--wait', 'draw the re-tagging progress until it finishes (needs a running worker)')
  .action(async (file: string, options: { wait?: boolean }) => {
    const runtime = openRuntime()
    try {
      const result = await importThemePack(runtime, file, (line) => process.stderr.write(`\r${line}`), options.wait === true)
      if (options.wait === true && result.backfill !== null) process.stderr.write('\n')
      console.log(result.message)
    } finally {
      closeRuntime(runtime)
    }
  })

themes.command('retrain').description('rebuild a pack\'s classifier from its examples and curators\' corrections')
  .option('--pack <id>', 'default: the active pack')
  .action((options: { pack?: string }) => {
    const runtime = openRuntime()
    try {
      const s = retrainThemePack(runtime, options.pack)
      console.log(`retrained ${s.packId} v${s.packVersion} on ${s.examples} examples and ${s.corrections} corrections; classifier active for: ${s.learnedThemes.join(', ') || 'no theme yet'}`)
    } finally {
      closeRuntime(runtime)
    }
  })

themes.command('backfill').description('re-tag every review with the active pack (resumes an interrupted run)')
  .option('--wait', 'draw the progress until it finishes (needs a running worker)')
  .action(async (options: { wait?: boolean }) => {
    const runtime = openRuntime()
    try {
      const b = await startBackfill(runtime, (line) => process.stderr.write(`\r${line}`), options.wait === true)
      if (options.wait === true) process.stderr.write('\n')
      console.log(`${b.id}: ${b.status}, ${b.done}/${b.total} reviews`)
    } finally {
      closeRuntime(runtime)
    }
  })

program.parseAsync().catch((error: Error) => {
  process.stderr.write(`plaudit: ${error.message}\n`)
  process.exit(1)
})
