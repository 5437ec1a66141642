import type { Redis } from 'ioredis'
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'

import { getEnv } from './env'
import { logger } from './logger'
import { createRedis } from './redis'

export type Limit = { points: number; durationSeconds: number }

let redis: Redis | undefined
const connection = () => {
  if (!redis) {
    redis = createRedis(getEnv().REDIS_URL, 'producer')
    redis.on('error', (error) => logger.debug({ err: error.message }, 'rate limit redis error'))
  }
  return redis
}

const limiters = new Map<string, RateLimiterRedis>()

/**
 * A named limit shared by every app process through Redis (`rate-limiter-flexible`). While Redis is
 * unreachable each process limits on its own (the insurance limiter), so an outage neither opens the
 * doors nor shuts them.
 */
function limiter(name: string, limit: Limit): RateLimiterRedis {
  let existing = limiters.get(name)
  if (!existing) {
    existing = new RateLimiterRedis({
      storeClient: connection(),
      keyPrefix: `${getEnv().QUEUE_PREFIX}:rate:${name}`,
      points: limit.points,
      duration: limit.durationSeconds,
      insuranceLimiter: new RateLimiterMemory({ points: limit.points, duration: limit.durationSeconds }),
    })
    limiters.set(name, existing)
  }
  return existing
}

/** Takes one point for `key`; undefined when allowed, else how many seconds until it is allowed again. */
export async function overLimit(name: string, limit: Limit, key: string): Promise<number | undefined> {
  try {
    await limiter(name, limit).consume(key)
    return undefined
  } catch (error) {
    if (error instanceof RateLimiterRes) return Math.max(1, Math.ceil(error.msBeforeNext / 1000))
    throw error
  }
}
