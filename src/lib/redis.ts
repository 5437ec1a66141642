import { Redis, type RedisOptions } from 'ioredis'

import { ConfigError } from './config-error'

/**
 * BullMQ's production advice: workers wait for Redis forever (`maxRetriesPerRequest: null`) so a
 * restart only delays them; producers fail fast (`enableOfflineQueue: false`) so a request never hangs
 * on a Redis that is down.
 */
export function createRedis(url: string, role: 'worker' | 'producer'): Redis {
  const options: RedisOptions =
    role === 'worker' ? { maxRetriesPerRequest: null } : { enableOfflineQueue: false, maxRetriesPerRequest: 1 }
  return new Redis(url, options)
}

/**
 * One PING with a deadline. The timer matters: when the connection closes before it is ready, ioredis
 * can leave connect() pending for good, and a process awaiting it would just exit (code 13).
 */
export async function pingRedis(url: string, timeoutMs = 3_000): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null })
  client.on('error', () => undefined) // reported by the rejection below
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([
      client.connect().then(() => client.ping()),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)
      }),
    ])
  } finally {
    clearTimeout(timer)
    client.disconnect()
  }
}

/** One line naming REDIS_URL when Redis does not answer at start. */
export async function assertRedisReachable(url: string): Promise<void> {
  try {
    await pingRedis(url)
  } catch (error) {
    throw new ConfigError(`REDIS_URL (${url}) does not answer: ${(error as Error).message}`)
  }
}
