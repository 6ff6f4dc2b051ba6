import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer, type RunningApi } from '../../src/api/server.ts'
import { closeDatabase } from '../../src/db/database.ts'
import { silentLogger } from '../support/pipeline.ts'
import { connectTestRedis, removeKeys, uniquePrefix } from '../support/redis.ts'
import { createTempDatabase, type TempDatabase } from '../support/temp-db.ts'

const prefix = uniquePrefix('health')

describe('GET /healthz when the database is gone', () => {
  let temp: TempDatabase
  let api: RunningApi
  const redis = connectTestRedis()

  beforeAll(async () => {
    temp = await createTempDatabase()
    api = await startApiServer({ db: temp.db, redis, prefix, logger: silentLogger, adminApiKey: undefined, themeIds: [], now: () => new Date(0), port: 0, host: '127.0.0.1' })
    await api.subscribed
  })
  afterAll(async () => {
    await api.close()
    await redis.quit()
    await temp.remove()
    await removeKeys(prefix)
  })

  it('answers 503 naming the database, and the public feed path still answers', async () => {
    await closeDatabase(temp.db)
    const response = await fetch(`${api.url}/healthz`)
    expect(response.status).toBe(503)
    expect(await response.json()).toMatchObject({ status: 'unavailable', checks: { database: false, redis: true }, message: 'database not answering' })
    expect((await fetch(`${api.url}/widget.js`)).status).toBe(200)
  })
})
