import type { Redis } from 'ioredis'

import { getEnv } from './env'
import { logger } from './logger'
import { createRedis } from './redis'

let redis: Redis | undefined

const CONNECT_WAIT_MS = 2_000

/**
 * The app's one Redis connection (rate limits, channel pauses): a producer connection, so a request
 * fails fast instead of hanging while Redis is down. Such a connection refuses commands until it is
 * connected, so a use while it is still connecting waits (briefly) for it; one while Redis is down
 * does not wait.
 */
export async function appRedis(): Promise<Redis> {
  if (!redis) {
    redis = createRedis(getEnv().REDIS_URL, 'producer')
    redis.on('error', (error) => logger.debug({ err: error.message }, 'app redis error'))
  }
  if (redis.status === 'connecting' || redis.status === 'connect') {
    const connection = redis
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, CONNECT_WAIT_MS)
      function done() {
        clearTimeout(timer)
        connection.off('ready', done)
        resolve()
      }
      connection.once('ready', done)
    })
  }
  return redis
}
