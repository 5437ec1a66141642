import type { JobsOptions } from 'bullmq'

import type { Env } from '@/lib/env'

const DAY_S = 24 * 60 * 60

/**
 * The one retry layer: exponential backoff with jitter (so a provider coming back is not hit by every
 * job at once). Finished jobs are kept for days rather than removed, because a kept job id is what makes
 * re-adding the same event a no-op.
 */
export function jobOptions(env: Pick<Env, 'JOB_ATTEMPTS' | 'JOB_BACKOFF_MS'>): JobsOptions {
  return {
    attempts: env.JOB_ATTEMPTS,
    backoff: { type: 'exponential', delay: env.JOB_BACKOFF_MS, jitter: 0.5 },
    removeOnComplete: { age: 7 * DAY_S },
    removeOnFail: { age: 30 * DAY_S },
  }
}
