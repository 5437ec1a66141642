import { randomUUID } from 'node:crypto'

import type { Redis } from 'ioredis'

// Deletes the key only if it still holds our token: a lock that expired and was taken by another
// process is not ours to release.
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`

/**
 * Runs `work` only if no other process holds the lock (SET NX PX, the single-instance lock Redis
 * documents); undefined when it is held elsewhere. The lock expires after `ttlMs`, so a process that
 * dies holding it blocks the others only that long.
 */
export async function withRedisLock<T>(redis: Redis, key: string, ttlMs: number, work: () => Promise<T>): Promise<T | undefined> {
  const token = randomUUID()
  if ((await redis.set(key, token, 'PX', ttlMs, 'NX')) !== 'OK') return undefined
  try {
    return await work()
  } finally {
    await redis.eval(RELEASE, 1, key, token)
  }
}
