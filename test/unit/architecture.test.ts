import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../..')
const src = join(root, 'src')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : []
  })
}

/** The layer of a file: its first folder under src/ (config.ts and logging.ts stand alone). */
function layerOf(file: string): string {
  const rel = relative(src, file)
  return rel.includes('/') ? rel.split('/')[0]! : rel.replace(/\.ts$/, '')
}

const files = sourceFiles(src).map((file) => {
  const text = readFileSync(file, 'utf8')
  const imports = [...text.matchAll(/^import[^'"]*['"](\.[^'"]+)['"]/gm)].map((m) => layerOf(resolve(file, '..', m[1]!)))
  return { file: relative(root, file), layer: layerOf(file), text, imports }
})

/** DESIGN.md, Layers: arrows point to what may be imported. */
const allowed: Record<string, string[]> = {
  domain: ['domain'],
  sources: ['sources', 'domain'],
  db: ['db', 'domain', 'sources'],
  jobs: ['jobs', 'domain'],
  services: ['services', 'db', 'jobs', 'sources', 'domain'],
  workers: ['workers', 'services', 'db', 'jobs', 'domain', 'logging'],
  api: ['api', 'services', 'db', 'jobs', 'domain', 'logging'],
  cli: ['cli', 'api', 'workers', 'services', 'db', 'jobs', 'sources', 'domain', 'config', 'logging'],
  config: [],
  logging: [],
}

describe('the code layout', () => {
  it('has every layer of DESIGN.md', () => {
    for (const layer of ['domain', 'sources', 'db', 'jobs', 'workers', 'api', 'cli']) {
      expect(files.some((f) => f.layer === layer), `src/${layer}`).toBe(true)
    }
    expect(files.some((f) => f.file === 'src/config.ts')).toBe(true)
  })

  it('imports only along the arrows of DESIGN.md (api and workers never import each other)', () => {
    const violations = files.flatMap((f) => f.imports.filter((target) => !(allowed[f.layer] ?? []).includes(target)).map((target) => `${f.file} → ${target}`))
    expect(violations).toEqual([])
  })

  it('reads the environment only in src/config.ts', () => {
    expect(files.filter((f) => f.file !== 'src/config.ts' && /process\.env\b/.test(f.text)).map((f) => f.file)).toEqual([])
  })

  it('keeps the domain pure: no I/O modules and no clock', () => {
    const impure = files
      .filter((f) => f.layer === 'domain')
      .filter((f) => /from ['"](node:)?(fs|http|https|net|child_process|better-sqlite3|pg|drizzle-orm(\/[\w-]+)*|ioredis|bullmq|express)['"]/.test(f.text) || /Date\.now\(\)|new Date\(\)/.test(f.text))
      .map((f) => f.file)
    expect(impure).toEqual([])
  })

  it('is TypeScript strict', () => {
    const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')) as { compilerOptions: { strict: boolean } }
    expect(tsconfig.compilerOptions.strict).toBe(true)
  })
})
