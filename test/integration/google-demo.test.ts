import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, describe, expect, it } from 'vitest'
import { LOCATION } from '../support/fake-google.ts'
import { removeKeys, TEST_REDIS_URL, uniquePrefix } from '../support/redis.ts'

const BIN = resolve(import.meta.dirname, '../../bin/plaudit.js')
const dir = mkdtempSync(join(tmpdir(), 'plaudit-google-demo-'))
const prefix = uniquePrefix('google-demo')

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true })
  await removeKeys(prefix)
})

describe('plaudit demo with PLAUDIT_DEMO_GOOGLE=1', () => {
  it('shows a connected fake Google location that has synced, and a connect button that works without Google', async () => {
    const child = spawn(process.execPath, [BIN, 'demo'], {
      env: { ...process.env, REDIS_URL: TEST_REDIS_URL, PLAUDIT_QUEUE_PREFIX: prefix, PLAUDIT_DATABASE_FILE: join(dir, 'plaudit.db'), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', PLAUDIT_DEMO_GOOGLE: '1', PLAUDIT_TOKEN_KEY: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    try {
      let url: string | undefined
      for await (const line of createInterface({ input: child.stdout })) {
        output += `${line}\n`
        const match = /Plaudit is running: (http:\/\/\S+)/.exec(line)
        if (match) {
          url = match[1]
          break
        }
      }
      expect(url, output).toBeDefined()
      expect(output).toMatch(/\[google\] demo-google-location: synced at 20/)

      const settings = await (await fetch(`${url}/app/settings`)).text()
      expect(settings).toContain(LOCATION)
      expect(settings).toContain('connected')
      const health = (await (await fetch(`${url}/healthz`)).json()) as { status: string; google: { connections: number } }
      expect(health).toMatchObject({ status: 'ok', google: { connections: 1 } })

      // The connect button: to the fake consent page, which comes straight back with a code.
      const picker = await fetch(`${url}/app/settings/google/connect`)
      expect(picker.status).toBe(200)
      expect(await picker.text()).toContain('Pick locations to sync')

      const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)))
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  })
})
