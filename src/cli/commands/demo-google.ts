import { createHash } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { SettingsDependencies } from '../../api/routes/settings.ts'
import { getGoogleLocation } from '../../db/stores/google.ts'
import { TokenCipher } from '../../db/token-cipher.ts'
import { scheduleLocationSync } from '../../jobs/google-schedules.ts'
import type { JobQueue } from '../../jobs/queue.ts'
import { addLocationWithRefreshToken, createCallEnvironment } from '../../services/google-connect.ts'
import type { GoogleEndpoints } from '../../sources/google/client.ts'
import type { WorkerRuntime } from '../../workers/run.ts'
import { FakeGoogle, LOCATION, REFRESH_TOKEN } from '../fake-google.ts'
import { systemClock, type Runtime } from '../runtime.ts'

/**
 * The demo's stand-in for Google: the fake server the tests use, on 127.0.0.1, with the production
 * client pointed at it by its root URL. Only with PLAUDIT_DEMO_GOOGLE=1; never talks to Google.
 */
export interface DemoGoogle {
  fake: FakeGoogle
  endpoints: GoogleEndpoints
  cipher: TokenCipher
  worker: WorkerRuntime['google']
  settings: (redis: Redis, queue: JobQueue) => SettingsDependencies
  connectAndSync: (redis: Redis, queue: JobQueue) => Promise<string>
  stop: () => Promise<void>
}

/** A fixed key for the demo's own database when none is configured: the demo holds only fake tokens. */
export function demoTokenKey(): Buffer {
  return createHash('sha256').update('plaudit demo only: fake Google tokens').digest()
}

export async function startDemoGoogle(runtime: Runtime): Promise<DemoGoogle> {
  const fake = await new FakeGoogle().start()
  const endpoints: GoogleEndpoints = { clientId: 'plaudit-demo.apps.googleusercontent.com', clientSecret: 'demo-secret', apiRoot: fake.url, tokenUrl: `${fake.url}/token`, authUrl: `${fake.url}/o/oauth2/v2/auth` }
  const cipher = runtime.tokenCipher ?? new TokenCipher(demoTokenKey())
  const g = runtime.config.google
  const schedule = (queue: JobQueue, locationId: string) => scheduleLocationSync(queue.queue, locationId, { incrementalEveryMinutes: g.incrementalEveryMinutes, fullEveryHours: g.fullEveryHours })
  return {
    fake,
    endpoints,
    cipher,
    worker: { endpoints, cipher, requestsPerMinute: g.requestsPerMinute },
    settings: (redis, queue) => ({
      connect: { db: runtime.db, endpoints, cipher, call: createCallEnvironment({ redis, prefix: runtime.config.queuePrefix, perMinute: g.requestsPerMinute, now: systemClock }) },
      redirectUri: undefined,
      schedule: (locationId) => schedule(queue, locationId),
    }),
    connectAndSync: async (redis, queue) => {
      const added = await addLocationWithRefreshToken(
        { db: runtime.db, endpoints, cipher, call: createCallEnvironment({ redis, prefix: runtime.config.queuePrefix, perMinute: g.requestsPerMinute, now: systemClock }) },
        { googleName: LOCATION, refreshToken: REFRESH_TOKEN, locationId: 'demo-google-location' },
      )
      // The scheduler's first incremental run syncs the location at once.
      await schedule(queue, added.locationId)
      for (;;) {
        const state = await getGoogleLocation(runtime.db, added.locationId)
        if (state?.lastSyncAt || state?.lastError) return state.lastError ? `sync failed: ${state.lastError}` : `synced at ${state.lastSyncAt!.toISOString()}`
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    },
    stop: () => fake.stop(),
  }
}
