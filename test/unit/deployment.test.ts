import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path, { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'

const root = resolve(import.meta.dirname, '../..')
const read = (file: string) => readFileSync(resolve(root, file), 'utf8')

interface ComposeService {
  build?: unknown
  image?: string
  command?: string[]
  ports?: string[]
  expose?: string[]
  environment?: Record<string, string>
  profiles?: string[]
  deploy?: { replicas?: number }
  healthcheck?: { test: string[] }
  depends_on?: Record<string, { condition: string }>
}

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml')) as { services: Record<string, ComposeService> }

  const defaults = Object.entries(compose.services).filter(([, service]) => !service.profiles)

  it('runs redis, the api and a worker by default, both Plaudit processes from the one Dockerfile', () => {
    expect(defaults.map(([name]) => name).sort()).toEqual(['api', 'redis', 'worker'])
    expect(compose.services.api!.build).toBe('.')
    expect(compose.services.worker!.build).toBe('.')
    expect(compose.services.api!.command).toEqual(['serve'])
    expect(compose.services.worker!.command).toEqual(['worker'])
    expect(read('Dockerfile')).toMatch(/ENTRYPOINT \["node", "bin\/plaudit.js"\]/)
  })

  it('has a scale profile: PostgreSQL, Redis, 2 API and 3 worker replicas, each with a health check', () => {
    const scale = Object.fromEntries(Object.entries(compose.services).filter(([, service]) => service.profiles?.includes('scale')))
    expect(Object.keys(scale).sort()).toEqual(['postgres', 'scale-api', 'scale-worker'])
    const { postgres, 'scale-api': api, 'scale-worker': worker } = scale as Record<string, ComposeService>
    expect(api!.deploy!.replicas).toBe(2)
    expect(worker!.deploy!.replicas).toBe(3)
    expect([api!.command, worker!.command]).toEqual([['serve'], ['worker']])
    for (const service of [postgres!, api!, worker!, compose.services.redis!]) expect(service.healthcheck!.test.length).toBeGreaterThan(0)
    for (const service of [api!, worker!]) {
      expect(service.environment!.DATABASE_URL).toMatch(/^postgres:\/\/plaudit:\$\{POSTGRES_PASSWORD\}@postgres:5432\/plaudit$/)
      expect(service.environment!.REDIS_URL).toBe('redis://redis:6379')
      expect(service.depends_on).toEqual({ redis: { condition: 'service_healthy' }, postgres: { condition: 'service_healthy' } })
    }
    expect(api!.healthcheck!.test.join(' ')).toContain('/healthz')
    expect(worker!.healthcheck!.test).toEqual(['CMD', 'node', 'bin/plaudit.js', 'health'])
  })

  it('keeps Redis inside the compose network: no published port', () => {
    expect(compose.services.redis!.ports).toBeUndefined()
    expect(compose.services.api!.environment!.REDIS_URL).toBe('redis://redis:6379')
    expect(compose.services.worker!.environment!.REDIS_URL).toBe('redis://redis:6379')
  })
})

describe('the README and CI', () => {
  const readme = read('README.md')
  const ci = read('.ci/run')

  it('give a newcomer the two commands, and CI runs exactly the README test commands', () => {
    expect(readme).toContain('npm install && npm run demo')
    expect(readme).toContain('npm test')
    expect(readme).toContain('npm run test:pg')
    expect(ci).toContain('set -euo pipefail')
    expect(ci).toContain('redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no')

    // The test commands CI runs: `npm test`, then `npm run test:pg`, and nothing else.
    const lines = ci.split('\n')
    const testRuns = lines.map((line) => line.trim()).filter((line) => /^npm (test|run )/.test(line))
    expect(testRuns).toEqual(['npm test', 'npm run test:pg'])

    // `npm test` always (top level, after the install); the PostgreSQL suite only when PostgreSQL answers,
    // else one line saying it was skipped and why.
    const sqlite = lines.indexOf('npm test')
    expect(lines.indexOf('npm ci --no-audit --no-fund')).toBeLessThan(sqlite)
    const guarded = lines
      .slice(sqlite + 1)
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'))
    expect(guarded[0]).toBe('if postgres_answers; then')
    expect(guarded.slice(1, guarded.indexOf('else'))).toContain('npm run test:pg')
    const otherwise = guarded.slice(guarded.indexOf('else') + 1)
    expect(otherwise).toHaveLength(2)
    expect(otherwise[0]).toMatch(/^echo ".*skipping the PostgreSQL suite.*127\.0\.0\.1:5432.*"$/)
    expect(otherwise[1]).toBe('fi')

    const check = /^postgres_answers\(\) \{\n[\s\S]*?\n\}$/m.exec(ci)?.[0] ?? ''
    expect(check).toContain('pg_isready -q -h 127.0.0.1 -p 5432')
    expect(check).toContain('/dev/tcp/127.0.0.1/5432')
  })

  it('keep the README short and every link in it and the manuals pointing at a file that exists', () => {
    expect(Buffer.byteLength(readme)).toBeLessThan(15_000)
    const pages = ['README.md', ...readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)]
    const broken: string[] = []
    for (const page of pages) {
      for (const [, target] of read(page).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^(https?:|mailto:|#)/.test(target!)) continue
        const file = path.join(root, path.dirname(page), target!.split('#')[0]!)
        if (!existsSync(file)) broken.push(`${page} -> ${target}`)
      }
    }
    expect(broken).toEqual([])
  })

  it('pins the versions that matter on Node 20', () => {
    const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> }
    expect(pkg.dependencies['better-sqlite3']).toMatch(/^\^?12\./)
    expect(pkg.dependencies.googleapis).toMatch(/^\^?176\./)
    expect(pkg.devDependencies.vitest).toMatch(/^\^?4\./)
  })
})
