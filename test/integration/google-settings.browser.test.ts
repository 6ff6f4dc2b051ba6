import type { Browser } from 'playwright-core'
import type { Redis } from 'ioredis'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer, type RunningApi } from '../../src/api/server.ts'
import { markNeedsReauth } from '../../src/db/stores/google.ts'
import { scheduleLocationSync } from '../../src/jobs/google-schedules.ts'
import { JobQueue } from '../../src/jobs/queue.ts'
import { launchChromium } from '../support/browser.ts'
import { FakeGoogle, LOCATION } from '../support/fake-google.ts'
import { googleHarness, manualClock } from '../support/google-harness.ts'
import { silentLogger } from '../support/pipeline.ts'
import { connectTestRedis, removeKeys, uniquePrefix } from '../support/redis.ts'
import { createTempDatabase, type TempDatabase } from '../support/temp-db.ts'

const prefix = uniquePrefix('google-settings-browser')

describe('the Google settings page in a real browser', () => {
  let temp: TempDatabase
  let fake: FakeGoogle
  let redis: Redis
  let queue: JobQueue
  let api: RunningApi
  let browser: Browser

  beforeAll(async () => {
    temp = await createTempDatabase()
    fake = await new FakeGoogle().start()
    redis = connectTestRedis()
    queue = new JobQueue(redis, prefix)
    const clock = manualClock('2026-11-25T09:00:00Z')
    const google = googleHarness({ db: temp.db, fake, redis, prefix, now: clock.now })
    api = await startApiServer({
      db: temp.db,
      redis,
      prefix,
      logger: silentLogger,
      adminApiKey: undefined,
      themeIds: [],
      now: clock.now,
      port: 0,
      host: '127.0.0.1',
      google: { connect: google.deps, redirectUri: undefined, schedule: (id) => scheduleLocationSync(queue.queue, id, { incrementalEveryMinutes: 30, fullEveryHours: 24 }) },
    })
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await api.close()
    await queue.queue.obliterate({ force: true })
    await queue.close()
    await redis.quit()
    await fake.stop()
    await temp.remove()
    await removeKeys(prefix)
  })

  it('connects a Google account, picks the location and then shows it, and later asks the owner to reconnect', async () => {
    const page = await browser.newPage()
    const errors: string[] = []
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
    page.on('pageerror', (e) => errors.push(e.message))

    await page.goto(`${api.url}/app/settings`)
    expect(await page.locator('p', { hasText: 'No Google location yet.' }).count()).toBe(1)
    await page.getByRole('link', { name: 'Connect a Google account' }).click()
    // The fake consent page sends the browser straight back with a code and the state.
    await page.getByRole('heading', { name: 'Pick locations to sync' }).waitFor()
    const choice = page.getByRole('checkbox', { name: /Alem Chiropractic/ })
    expect(await choice.isChecked()).toBe(true)
    await page.getByRole('button', { name: 'Sync these locations' }).click()
    await page.getByRole('heading', { name: 'Google settings' }).waitFor()
    expect(await page.locator('table').textContent()).toContain(LOCATION)
    expect(await page.getByRole('alert').count()).toBe(0)

    const connection = (await temp.db.get<{ id: string }>(sql`select id from google_connections`))!
    await markNeedsReauth(temp.db, connection.id, 'invalid_grant: Token has been expired or revoked.', new Date('2026-11-26T00:00:00Z'))
    await page.reload()
    expect(await page.getByRole('alert').textContent()).toContain('Google needs you to connect again')
    expect(await page.getByRole('link', { name: 'Reconnect Google' }).count()).toBe(1)
    expect(errors).toEqual([])
  })
})
