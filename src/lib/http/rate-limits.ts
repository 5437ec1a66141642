import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'

import { appRedis } from '@/lib/app-redis'
import { getEnv } from '@/lib/env'

export type Limit = { points: number; durationSeconds: number }

const limiters = new Map<string, RateLimiterRedis>()

/**
 * A named limit shared by every app process through Redis (`rate-limiter-flexible`). While Redis is
 * unreachable each process limits on its own (the insurance limiter), so an outage neither opens the
 * doors nor shuts them.
 */
async function limiter(name: string, limit: Limit): Promise<RateLimiterRedis> {
  let existing = limiters.get(name)
  if (!existing) {
    existing = new RateLimiterRedis({
      storeClient: await appRedis(),
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
    await (await limiter(name, limit)).consume(key)
    return undefined
  } catch (error) {
    if (error instanceof RateLimiterRes) return Math.max(1, Math.ceil(error.msBeforeNext / 1000))
    throw error
  }
}

/** Gives back the point `overLimit` took for `key`: for limits that count only what went wrong. */
export async function giveBack(name: string, limit: Limit, key: string): Promise<void> {
  await (await limiter(name, limit)).reward(key, 1)
}
