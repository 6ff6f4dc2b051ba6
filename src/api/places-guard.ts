import type { NextFunction, Request, RequestHandler, Response } from 'express'
import type { Redis } from 'ioredis'
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'
import type { PlacesCache, PlacesFallbackView } from '../services/places-fallback.ts'
import { TooManyAttemptsError } from '../services/errors.ts'

export interface PlacesLimits {
  /** Requests per client address in `windowSeconds`; more get 429 with Retry-After. */
  perAddress: number
  windowSeconds: number
  /** How long one answer from Google is reused for a Place, by every API process. */
  cacheSeconds: number
}

/** Every call to Places is billed: one per Place per hour, and no address can ask more than 60 times a minute. */
export const DEFAULT_PLACES_LIMITS: PlacesLimits = { perAddress: 60, windowSeconds: 60, cacheSeconds: 60 * 60 }

/** The answer per Place in Redis, so every API process reuses it until it expires. */
export function redisPlacesCache(redis: Redis, prefix: string, seconds: number): PlacesCache {
  const key = (placeId: string) => `${prefix}:places-answer:${placeId}`
  return {
    async get(placeId) {
      const stored = await redis.get(key(placeId))
      return stored === null ? null : (JSON.parse(stored) as PlacesFallbackView)
    },
    async set(placeId, view) {
      await redis.set(key(placeId), JSON.stringify(view), 'EX', seconds)
    },
  }
}

/**
 * Requests per client address, counted in Redis by rate-limiter-flexible so all API processes share
 * the count; while Redis is unreachable each process counts alone rather than letting every
 * request through to a paid API.
 */
export function placesRateLimit(redis: Redis, prefix: string, limits: PlacesLimits): RequestHandler {
  const options = { points: limits.perAddress, duration: limits.windowSeconds }
  const limiter = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `${prefix}:places-address`,
    ...options,
    insuranceLimiter: new RateLimiterMemory(options),
  })
  return (req: Request, _res: Response, next: NextFunction) => {
    limiter.consume(req.ip ?? req.socket.remoteAddress ?? 'unknown').then(
      () => next(),
      (refusal: unknown) => {
        if (!(refusal instanceof RateLimiterRes)) return next(refusal)
        const seconds = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000))
        next(new TooManyAttemptsError(`too many requests for Google reviews from this address; try again in ${seconds} s`, seconds))
      },
    )
  }
}
