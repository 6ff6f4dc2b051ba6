import { afterAll, describe, expect, it } from 'vitest'
import { startDemo } from '../support/demo-process.ts'
import { LOCATION } from '../support/fake-google.ts'
import { removeKeys, TEST_REDIS_URL, uniquePrefix } from '../support/redis.ts'
import { freshDatabase } from '../support/temp-db.ts'

const database = freshDatabase()
const prefix = uniquePrefix('google-demo')

afterAll(async () => {
  await database.remove()
  await removeKeys(prefix)
})

describe('plaudit demo with PLAUDIT_DEMO_GOOGLE=1', () => {
  it('shows a connected fake Google location that has synced, and a connect button that works without Google', async () => {
    const demo = await startDemo({ REDIS_URL: TEST_REDIS_URL, PLAUDIT_QUEUE_PREFIX: prefix, DATABASE_URL: database.url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', PLAUDIT_DEMO_GOOGLE: '1', PLAUDIT_TOKEN_KEY: '' })
    try {
      const { url } = demo
      expect(url, demo.output()).toBeDefined()
      expect(demo.output()).toMatch(/\[google\] demo-google-location: synced at 20/)

      const settings = await (await fetch(`${url}/app/settings`)).text()
      expect(settings).toContain(LOCATION)
      expect(settings).toContain('connected')
      const health = (await (await fetch(`${url}/healthz`)).json()) as { status: string; google: { connections: number } }
      expect(health).toMatchObject({ status: 'ok', google: { connections: 1 } })

      // The connect button: to the fake consent page, which comes straight back with a code.
      const picker = await fetch(`${url}/app/settings/google/connect`)
      expect(picker.status).toBe(200)
      expect(await picker.text()).toContain('Pick locations to sync')

      expect(await demo.stop()).toBe(0)
    } finally {
      demo.kill()
    }
  })
})
