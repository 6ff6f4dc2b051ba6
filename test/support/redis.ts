import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'

export const TEST_REDIS_URL = 'redis://127.0.0.1:6379'

/** A key prefix no other test file (or run) shares, so files can run in parallel on one Redis. */
export function uniquePrefix(file: string): string {
  return `plaudit-test-${file}-${randomBytes(4).toString('hex')}`
}

export function connectTestRedis(): Redis {
  return new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null })
}

/** Removes every key under the prefix. */
export async function removeKeys(prefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL)
  try {
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000)
      cursor = next
      if (keys.length > 0) await redis.del(...keys)
    } while (cursor !== '0')
  } finally {
    await redis.quit()
  }
}
