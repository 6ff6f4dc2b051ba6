import type { Redis } from 'ioredis'
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'

export interface RateGate {
  acquire(): Promise<void>
}

/**
 * One request budget per Google Cloud project for every worker process, counted in Redis
 * (rate-limiter-flexible's atomic counter): at most `perMinute` requests in each minute window.
 * A worker over the budget waits until the window turns, instead of spending a 429.
 */
export function redisRateGate(params: { redis: Redis; prefix: string; perMinute: number; project?: string; sleep: (ms: number) => Promise<void> }): RateGate {
  const limiter = new RateLimiterRedis({ storeClient: params.redis, keyPrefix: `${params.prefix}:google-quota`, points: params.perMinute, duration: 60 })
  const key = params.project ?? 'default'
  return {
    acquire: async () => {
      for (;;) {
        try {
          await limiter.consume(key, 1)
          return
        } catch (rejection) {
          if (!(rejection instanceof RateLimiterRes)) throw rejection
          await params.sleep(Math.max(rejection.msBeforeNext, 1))
        }
      }
    },
  }
}
