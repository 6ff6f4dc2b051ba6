import { afterAll, describe, expect, it } from 'vitest'
import { redisRateGate } from '../../src/jobs/google-rate-limit.ts'
import { connectTestRedis, removeKeys, uniquePrefix } from '../support/redis.ts'

const prefix = uniquePrefix('google-rate')

describe('the shared Google request budget', () => {
  const a = connectTestRedis()
  const b = connectTestRedis()
  afterAll(async () => {
    await a.quit()
    await b.quit()
    await removeKeys(prefix)
  })

  it('is one budget for all workers: the fourth request of a 3-per-minute budget waits for the window, whichever worker asks', async () => {
    const waits: Array<{ worker: string; ms: number }> = []
    class Waited extends Error {}
    const gateFor = (worker: string, redis: typeof a) =>
      redisRateGate({
        redis,
        prefix,
        perMinute: 3,
        // Record the wait and stop there: the test does not sleep.
        sleep: async (ms) => {
          waits.push({ worker, ms })
          throw new Waited()
        },
      })
    const first = gateFor('worker-1', a)
    const second = gateFor('worker-2', b)
    await first.acquire()
    await second.acquire()
    await first.acquire()
    await expect(second.acquire()).rejects.toBeInstanceOf(Waited)
    await expect(first.acquire()).rejects.toBeInstanceOf(Waited)
    expect(waits.map((w) => w.worker)).toEqual(['worker-2', 'worker-1'])
    for (const w of waits) {
      expect(w.ms).toBeGreaterThan(50_000)
      expect(w.ms).toBeLessThanOrEqual(60_000)
    }
  })
})
