import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startDemo } from '../support/demo-process.ts'
import { freshDatabase, onPostgres } from '../support/temp-db.ts'

const ROOT = resolve(import.meta.dirname, '../..')
const BIN = join(ROOT, 'bin/plaudit.js')
const CLINIC_DEV = resolve(ROOT, '../shared/data/clinic-dev.jsonl')
const NO_REDIS = 'redis://127.0.0.1:1'
const dir = mkdtempSync(join(tmpdir(), 'plaudit-cli-'))

afterAll(() => rmSync(dir, { recursive: true, force: true }))

function plaudit(args: string[], options: { input?: string; env?: Record<string, string> } = {}) {
  return spawnSync(process.execPath, [BIN, ...args], {
    input: options.input,
    encoding: 'utf8',
    env: { ...process.env, REDIS_URL: NO_REDIS, DATABASE_URL: `file:${join(dir, 'never-created', 'x.db')}`, LOG_LEVEL: 'error', ...options.env },
  })
}

describe('plaudit tag', () => {
  it('prints one line of themes and mentions per review, without Redis or a database', () => {
    const input = [
      JSON.stringify({ id: 'a', text: 'I never felt rushed. She fixed my desk posture.' }),
      JSON.stringify({ id: 'b', text: 'The weather was nice.' }),
    ].join('\n')
    const run = plaudit(['tag', '-'], { input })

    expect(run.status, run.stderr).toBe(0)
    const lines = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { id: string; themes: Record<string, string>; mentions: Array<Record<string, unknown>> })
    expect(lines.map((l) => l.id)).toEqual(['a', 'b'])
    expect(lines[0]!.themes).toMatchObject({ 'never-rushed': 'positive', posture: 'positive' })
    for (const mention of lines[0]!.mentions) expect(Object.keys(mention).sort()).toEqual(['end', 'polarity', 'start', 'theme'])
    expect(lines[1]).toEqual({ id: 'b', themes: {}, mentions: [] })
    expect(existsSync(join(dir, 'never-created'))).toBe(false)
  })

  it('reports a bad line by number on stderr and tags the rest', () => {
    const run = plaudit(['tag', '-'], { input: '{"id":"a","text":"Never rushed."}\n{"id":"b"}\nnot json\n' })
    expect(run.status).toBe(1)
    expect(run.stdout.trim().split('\n')).toHaveLength(1)
    expect(run.stderr).toContain('line 2: text')
    expect(run.stderr).toContain('line 3:')
  })
})

describe('plaudit eval', () => {
  it('prints a JSON report of theme detection and polarity on labelled reviews, without Redis', () => {
    const run = plaudit(['eval', CLINIC_DEV])
    expect(run.status, run.stderr).toBe(0)
    const report = JSON.parse(run.stdout) as Record<string, unknown> & { micro: Record<string, number>; perTheme: Record<string, unknown> }
    expect(report.count).toBe(60)
    expect(Object.keys(report.micro).sort()).toEqual(['f1', 'precision', 'recall'])
    expect(report.macro).toBeDefined()
    expect(report.polarityAccuracy).toEqual(expect.any(Number))
    expect(Object.keys(report.perTheme)).toContain('never-rushed')
    expect(report.micro.f1).toBeGreaterThan(0.5)
  })
})

describe('plaudit migrate and import', () => {
  const database = freshDatabase()

  it('migrates, then imports a file, listing each rejected row by line, field and value', () => {
    const env = { REDIS_URL: 'redis://127.0.0.1:6379', DATABASE_URL: database.url, PLAUDIT_QUEUE_PREFIX: `plaudit-test-cli-${process.pid}` }
    const migrate = plaudit(['migrate'], { env })
    expect(migrate.status, migrate.stderr).toBe(0)
    if (!onPostgres) expect(existsSync(database.url.replace(/^file:/, ''))).toBe(true)

    const run = plaudit(['import', join(ROOT, 'samples/bad-rows.csv'), '--location', 'clinic'], { env })
    expect(run.status, run.stderr).toBe(2)
    expect(run.stdout).toMatch(/10 rows read, 6 new, 0 revised, 0 unchanged, 4 rejected/)
    expect(run.stdout).toContain('rejected line 3: rating "6"')
    expect(run.stdout).toContain('rejected line 5: rating ""')
    expect(run.stdout).toContain('rejected line 8: id ""')
    expect(run.stdout).toContain('rejected line 10: created_at "yesterday"')
  })

  afterAll(async () => {
    const { removeKeys } = await import('../support/redis.ts')
    await removeKeys(`plaudit-test-cli-${process.pid}`)
    await database.remove()
  })
})

describe('plaudit demo', () => {
  const databases = { demo: freshDatabase(), noRedis: freshDatabase() }
  afterAll(async () => {
    for (const database of Object.values(databases)) await database.remove()
  })

  it('starts a private redis-server when none answers, runs the pipeline and serves the collection', async () => {
    const redisServer = spawnSync('sh', ['-c', 'command -v redis-server || command -v valkey-server'], { encoding: 'utf8' }).stdout.trim()
    expect(redisServer, 'redis-server must be installed for this test (.ci/run installs it)').not.toBe('')
    const demo = await startDemo({
      REDIS_URL: NO_REDIS,
      PATH: `${dirname(redisServer)}:${process.env.PATH ?? ''}`,
      DATABASE_URL: databases.demo.url,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    })
    try {
      const { url } = demo
      const output = demo.output()
      expect(url, output).toBeDefined()
      expect(output).toContain('started a private redis-server')
      expect(output).toMatch(/tagging themes in the worker: 0 reviews left/)

      const page = await (await fetch(url!)).text()
      expect(page).toContain('<plaudit-reviews collection="home" layout="grid"')
      expect(page).toContain('/healthz')
      const feed = (await (await fetch(`${url}/api/public/v1/collections/home`)).json()) as { label: string; testimonials: unknown[]; aggregate: { count: number } }
      expect(feed.label).toBe('Selected patient reviews')
      expect(feed.testimonials.length).toBeGreaterThan(0)
      expect(feed.aggregate.count).toBeGreaterThanOrEqual(300)
      expect((await fetch(`${url}/healthz`)).status).toBe(200)

      expect(await demo.stop()).toBe(0)
    } finally {
      demo.kill()
    }
  })

  it('says in one line how to get Redis, and exits non-zero, when none answers and none is installed', () => {
    const run = plaudit(['demo'], { env: { PATH: join(dir, 'no-such-folder'), DATABASE_URL: databases.noRedis.url, PORT: '0' } })
    expect(run.status).toBe(1)
    const help = run.stderr.trim().split('\n').filter((line) => line.includes('redis'))
    expect(help).toHaveLength(1)
    expect(help[0]).toContain('apt-get install redis-server')
    expect(help[0]).toContain('brew install redis')
    expect(help[0]).toContain('docker compose up')
  })
})
