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

/** One line naming REDIS_URL when Redis does not answer at start. */
export async function assertRedisReachable(url: string): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 3_000, maxRetriesPerRequest: 0, retryStrategy: () => null })
  client.on('error', () => undefined) // reported by the rejected connect below
  try {
    await client.connect()
    await client.ping()
  } catch (error) {
    throw new ConfigError(`REDIS_URL (${url}) does not answer: ${(error as Error).message}`)
  } finally {
    client.disconnect()
  }
}
