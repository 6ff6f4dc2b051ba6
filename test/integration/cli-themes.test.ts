import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { writeReviewsCsv } from '../support/csv.ts'
import { removeKeys, uniquePrefix } from '../support/redis.ts'
import { freshDatabase } from '../support/temp-db.ts'

const ROOT = resolve(import.meta.dirname, '../..')
const BIN = join(ROOT, 'bin/plaudit.js')
const CLINIC_DEV = resolve(ROOT, '../shared/data/clinic-dev.jsonl')
const dir = mkdtempSync(join(tmpdir(), 'plaudit-cli-themes-'))
const prefix = uniquePrefix('cli-themes')
// the --wait test has its own database, so its own queue: backfill job ids are per database
const waitPrefix = uniquePrefix('cli-themes-wait')
// Created by the first command that opens them, as on a newcomer's machine.
const databases = { 'plaudit.db': freshDatabase(), 'wait.db': freshDatabase() }

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true })
  for (const database of Object.values(databases)) await database.remove()
  await removeKeys(prefix)
  await removeKeys(waitPrefix)
})

const env = (database: keyof typeof databases) => ({
  ...process.env, REDIS_URL: 'redis://127.0.0.1:6379', PLAUDIT_QUEUE_PREFIX: database === 'wait.db' ? waitPrefix : prefix,
  DATABASE_URL: databases[database].url, LOG_LEVEL: 'error',
})

function plaudit(args: string[], database: keyof typeof databases = 'plaudit.db') {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: env(database) })
}

describe('plaudit themes', () => {
  it('exports a pack as JSON and imports an edited copy as the next version, queueing the re-tagging', () => {
    const file = join(dir, 'chiropractic.json')
    expect(plaudit(['themes', 'export', 'chiropractic', file]).status).toBe(0)
    const pack = JSON.parse(readFileSync(file, 'utf8')) as { version: number; themes: Array<{ id: string; cues: string[] }> }
    expect(pack.version).toBe(1)
    pack.themes.find((t) => t.id === 'wait-time')!.cues.push('lobby')
    writeFileSync(file, JSON.stringify(pack))

    const imported = plaudit(['themes', 'import', file])
    expect(imported.status, imported.stderr).toBe(0)
    expect(imported.stdout).toMatch(/saved chiropractic v2 \(12 themes\); re-tagging 0 reviews \(chiropractic@2\)/)
    const list = plaudit(['themes', 'list'])
    expect(list.stdout).toContain('* chiropractic v2')
    expect(list.stdout).toContain('  restaurant v1')
  })

  it('refuses a pack file with a broken cue, naming it, and saves nothing', () => {
    const file = join(dir, 'bad.json')
    writeFileSync(file, JSON.stringify({ id: 'bad', label: 'Bad', themes: [{ id: 'x', label: 'X', cues: ['... gap first'] }] }))
    const run = plaudit(['themes', 'import', file])
    expect(run.status).toBe(1)
    expect(run.stderr).toContain('cue "... gap first" must start with a word or number')
    expect(plaudit(['themes', 'list']).stdout).not.toContain('bad')
  })

  it('retrains a pack and says what it learned from', () => {
    const run = plaudit(['themes', 'retrain', '--pack', 'restaurant'])
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/retrained restaurant v1 on \d+ examples and 0 corrections/)
  })
})

describe('plaudit eval --folds', () => {
  it('cross-validates the learned part and reports each learning step and the hard cases', () => {
    const run = plaudit(['eval', CLINIC_DEV, '--folds', '3'])
    expect(run.status, run.stderr).toBe(0)
    const report = JSON.parse(run.stdout) as { mode: string; folds: number; foldMicroF1: number[]; learning: Array<{ step: string }>; hardCases: { negated: { reviews: number } } }
    expect(report.mode).toBe('k-fold')
    expect(report.foldMicroF1).toHaveLength(3)
    expect(report.learning.map((l) => l.step)).toEqual(['cues only', 'cues + pack examples', 'cues + examples + corrections + other folds (3-fold)'])
    expect(report.hardCases.negated.reviews).toBeGreaterThan(0)
    expect(run.stderr).toContain('3-fold cross-validation')
  })
})

describe('the re-tagging progress bar', () => {
  it('shows done, total and share, and is full at the end', async () => {
    const { progressBar } = await import('../../src/cli/commands/themes.ts')
    expect(progressBar(500, 2000, 10)).toBe('[###-------] 500/2000 reviews (25%)')
    expect(progressBar(0, 0, 4)).toBe('[####] 0/0 reviews (100%)')
  })
})

describe('plaudit themes import --wait with a running worker', () => {
  it('re-tags the imported reviews with the new version, drawing the progress until it is done', async () => {
    const database = 'wait.db' as const
    const rows = Array.from({ length: 30 }, (_, i) => ({ id: `w${i}`, rating: 5, text: i % 3 === 0 ? 'Lovely lobby with a fish tank.' : 'I never felt rushed.' }))
    expect(plaudit(['import', writeReviewsCsv(dir, 'wait.csv', rows), '--location', 'clinic'], database).status).toBe(0)
    const worker = spawn(process.execPath, [BIN, 'worker'], { env: env(database), stdio: ['ignore', 'ignore', 'ignore'] })
    try {
      const file = join(dir, 'wait-pack.json')
      expect(plaudit(['themes', 'export', 'chiropractic', file], database).status).toBe(0)
      const pack = JSON.parse(readFileSync(file, 'utf8')) as { themes: Array<{ id: string; cues: string[] }> }
      pack.themes.find((t) => t.id === 'staff')!.cues.push('fish tank')
      writeFileSync(file, JSON.stringify(pack))

      const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolveRun) => {
        const child = spawn(process.execPath, [BIN, 'themes', 'import', file, '--wait'], { env: env(database) })
        let stdout = ''
        let stderr = ''
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
        child.once('exit', (code) => resolveRun({ code, stdout, stderr }))
      })
      expect(run.code, run.stderr).toBe(0)
      expect(run.stderr).toContain('[##############################] 30/30 reviews (100%)')
      expect(run.stdout).toContain('re-tagging 30 reviews (chiropractic@2): finished')
    } finally {
      worker.kill('SIGTERM')
      if (worker.exitCode === null) await once(worker, 'exit')
    }
  })
})
