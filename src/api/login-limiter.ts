import type { Redis } from 'ioredis'
import type { LoginLimiter } from '../services/accounts.ts'
import { TooManyAttemptsError } from '../services/errors.ts'

export interface LoginLimits {
  /** Attempts per account in `windowSeconds` (a successful one is given back). */
  perAccount: number
  /** Attempts per client address (guessing many accounts from one place). */
  perAddress: number
  windowSeconds: number
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perAccount: 5, perAddress: 20, windowSeconds: 15 * 60 }

/**
 * Checks both counters and, when neither is spent, takes one from each: in one script, so Redis runs
 * it as one step and parallel attempts (from any number of API processes) cannot all see the same
 * count. The window starts with a counter's first attempt. Returns [0] when reserved, or
 * [1 (account) | 2 (address), milliseconds until that counter resets].
 */
const RESERVE = `
local limits = { tonumber(ARGV[1]), tonumber(ARGV[2]) }
for i = 1, 2 do
  if tonumber(redis.call('GET', KEYS[i]) or '0') >= limits[i] then
    return { i, redis.call('PTTL', KEYS[i]) }
  end
end
for i = 1, 2 do
  redis.call('INCR', KEYS[i])
  if redis.call('PTTL', KEYS[i]) < 0 then redis.call('PEXPIRE', KEYS[i], ARGV[3]) end
end
return { 0 }
`

/** Gives one attempt back to each counter that still exists, never below zero. */
const RELEASE = `
for i = 1, 2 do
  if tonumber(redis.call('GET', KEYS[i]) or '0') > 0 then redis.call('DECR', KEYS[i]) end
end
return 0
`

/** Sign-in attempts counted in Redis, so every API process shares the count. */
export function redisLoginLimiter(redis: Redis, prefix: string, limits: LoginLimits = DEFAULT_LOGIN_LIMITS): LoginLimiter {
  const keys = (email: string, address: string) => [`${prefix}:login-account:${email}`, `${prefix}:login-address:${address}`]
  return {
    async reserve(email, address) {
      const [refused, msLeft] = (await redis.eval(RESERVE, 2, ...keys(email, address), limits.perAccount, limits.perAddress, limits.windowSeconds * 1000)) as [number, number?]
      if (refused === 0) return
      const seconds = Math.max(1, Math.ceil((msLeft ?? 0) / 1000))
      throw new TooManyAttemptsError(`too many failed logins for this ${refused === 1 ? 'account' : 'address'}; try again in ${seconds} s`, seconds)
    },
    async release(email, address) {
      await redis.eval(RELEASE, 2, ...keys(email, address))
    },
  }
}
