import type { Redis } from 'ioredis'
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'

import type { SocialNetwork } from '@/channels/social/fit-post'
import { parseBudgets, POINTS } from '@/channels/social/rate-budgets'

/**
 * Each account's budget with its network, shared by every worker process through Redis, so posts
 * wait for room instead of meeting the network's 429. `take` answers how long to wait: 0 when the
 * request may go now.
 */
export class AccountRateLimits {
  private readonly limiters = new Map<SocialNetwork, RateLimiterRedis>()

  constructor(redis: Redis, prefix: string, budgets: string) {
    for (const [network, budget] of Object.entries(parseBudgets(budgets)) as [SocialNetwork, { points: number; seconds: number }][]) {
      this.limiters.set(network, new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:social-rate:${network}`, points: budget.points, duration: budget.seconds }))
    }
  }

  async take(network: SocialNetwork, accountId: number | string, request: 'post' | 'remove'): Promise<number> {
    const limiter = this.limiters.get(network)
    const points = POINTS[network][request]
    if (!limiter || points === 0) return 0
    try {
      await limiter.consume(String(accountId), points)
      return 0
    } catch (error) {
      if (error instanceof RateLimiterRes) return Math.max(1, error.msBeforeNext)
      throw error
    }
  }
}
