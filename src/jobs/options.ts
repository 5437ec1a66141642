import type { JobsOptions } from 'bullmq'

const DAY_S = 24 * 60 * 60

/**
 * The one retry layer: exponential backoff with jitter (so a provider coming back is not hit by every
 * job at once). Finished jobs are kept for days rather than removed, because a kept job id is what makes
 * re-adding the same event a no-op.
 */
export function jobOptions(settings: { attempts: number; backoffMs: number }): JobsOptions {
  return {
    attempts: settings.attempts,
    backoff: { type: 'exponential', delay: settings.backoffMs, jitter: 0.5 },
    removeOnComplete: { age: 7 * DAY_S },
    removeOnFail: { age: 30 * DAY_S },
  }
}
