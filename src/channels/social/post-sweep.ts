import type { JobsOptions, Queue } from 'bullmq'
import type { Payload } from 'payload'

import type { SocialNetwork } from './fit-post'
import { postJobFields, schedulePostJob } from './post-queue'

/**
 * Puts back the jobs of posts that are due (or were being posted by a worker that is gone) when
 * their job is missing: Redis lost its data, or a staff "post now" could not reach the queue. Jobs
 * that exist are left as they are, so this is a no-op in the normal course. Says how many posts it
 * looked at.
 */
export async function sweepSocialPosts(payload: Payload, queueFor: (network: SocialNetwork) => Queue, options: JobsOptions, timing: { dueWithinMs: number; lockMs: number }): Promise<number> {
  const now = Date.now()
  const { docs } = await payload.find({
    collection: 'social-posts',
    where: {
      or: [
        { and: [{ state: { equals: 'scheduled' } }, { scheduledAt: { less_than_equal: new Date(now + timing.dueWithinMs).toISOString() } }] },
        { and: [{ state: { equals: 'posting' } }, { updatedAt: { less_than: new Date(now - timing.lockMs).toISOString() } }] },
      ],
    },
    depth: 0,
    limit: 500,
    sort: 'scheduledAt',
  })
  for (const post of docs) await schedulePostJob(queueFor(post.network), postJobFields(post), options, now)
  return docs.length
}
