import type { Redis } from 'ioredis'
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'
import type { LoginLimiter } from '../services/accounts.ts'
import { TooManyAttemptsError } from '../services/errors.ts'

export interface LoginLimits {
  /** Failed attempts per account before it is locked for `windowSeconds`. */
  perAccount: number
  /** Failed attempts per client address (guessing many accounts from one place). */
  perAddress: number
  windowSeconds: number
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perAccount: 5, perAddress: 20, windowSeconds: 15 * 60 }

/**
 * Failed logins counted in Redis by rate-limiter-flexible, so every API process shares the count.
 * A success clears the account's count (not the address's).
 */
export function redisLoginLimiter(redis: Redis, prefix: string, limits: LoginLimits = DEFAULT_LOGIN_LIMITS): LoginLimiter {
  const byAccount = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:login-account`, points: limits.perAccount, duration: limits.windowSeconds })
  const byAddress = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:login-address`, points: limits.perAddress, duration: limits.windowSeconds })
  const refuse = (res: RateLimiterRes, what: string) => {
    const seconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000))
    throw new TooManyAttemptsError(`too many failed logins for this ${what}; try again in ${seconds} s`, seconds)
  }
  return {
    async check(email, address) {
      const [account, place] = await Promise.all([byAccount.get(email), byAddress.get(address)])
      if (account && account.consumedPoints >= limits.perAccount) refuse(account, 'account')
      if (place && place.consumedPoints >= limits.perAddress) refuse(place, 'address')
    },
    async failed(email, address) {
      await Promise.all([byAccount.penalty(email, 1), byAddress.penalty(address, 1)])
    },
    async succeeded(email) {
      await byAccount.delete(email)
    },
  }
}
