import { Queue, type JobsOptions } from 'bullmq'
import type { Redis } from 'ioredis'

import type { SocialNetwork } from '@/domain/social/fit-post'
import { socialQueueName } from '@/jobs/queues'

export const postJobId = (postId: number | string) => `social-post-${postId}`
export const removalJobId = (postId: number | string) => `social-removal-${postId}`

/**
 * What a post queue's job carries: which post, and which ledger unit records this attempt at it (the
 * post's own, or its retraction's); the text and the account are read when it runs. Item and
 * collection are for logs.
 */
export type SocialJob = { postId: number | string; deliveryId: number | string; urgency: 'urgent' | 'standard'; itemId: string; collection: string }

/** Urgent posts are taken before standard ones that fell due at the same time (lower goes first). */
const PRIORITY = { urgent: 1, standard: 10 } as const

type Schedulable = { id: number | string; deliveryId: number | string; scheduledAt: string; urgency: 'urgent' | 'standard'; itemId: string; collection: string }

/**
 * Makes the job `jobId` wait until `delay` from now: adds it, moves it (changeDelay), or brings it
 * forward. A job already due or running is left alone (a post job re-reads its post and waits itself
 * if the time moved later); a finished one is replaced, since a unit staff send again needs a new
 * attempt under the same id.
 */
async function putJob(queue: Queue, name: string, jobId: string, data: SocialJob, options: JobsOptions, delay: number): Promise<void> {
  const existing = await queue.getJob(jobId)
  if (existing) {
    const state = await existing.getState()
    if (state === 'delayed') {
      if (delay > 0) await existing.changeDelay(delay)
      else await existing.promote()
      return
    }
    if (state === 'waiting' || state === 'prioritized' || state === 'active' || state === 'waiting-children') return
    await existing.remove()
  }
  await queue.add(name, data, { ...options, jobId, delay, priority: PRIORITY[data.urgency] })
}

const jobData = (post: Omit<Schedulable, 'scheduledAt'>): SocialJob => ({ postId: post.id, deliveryId: post.deliveryId, urgency: post.urgency, itemId: post.itemId, collection: post.collection })

/** The post's job, due at its scheduled time. */
export async function schedulePostJob(queue: Queue, post: Schedulable, options: JobsOptions, now = Date.now()): Promise<void> {
  await putJob(queue, 'post', postJobId(post.id), jobData(post), options, Math.max(0, Date.parse(post.scheduledAt) - now))
}

/** The deletion of a posted post (a retraction, recorded by `deliveryId`), due now. */
export async function scheduleRemovalJob(queue: Queue, post: Omit<Schedulable, 'scheduledAt'>, options: JobsOptions): Promise<void> {
  await putJob(queue, 'remove', removalJobId(post.id), jobData(post), options, 0)
}

/** Takes a cancelled post's job out of its queue; one already running finds the post cancelled. */
export async function removePostJob(queue: Queue, postId: number | string): Promise<void> {
  const job = await queue.getJob(postJobId(postId))
  if (job && (await job.getState()) !== 'active') await job.remove()
}

const appQueues = new Map<string, Queue>()

/** The app's handle on a network's queue (staff edits move jobs), on its one Redis connection. */
export function appSocialQueue(redis: Redis, prefix: string, network: SocialNetwork): Queue {
  const name = socialQueueName(network)
  let queue = appQueues.get(name)
  if (!queue) {
    queue = new Queue(name, { connection: redis, prefix })
    queue.on('error', () => undefined) // each use reports its own failure to the caller
    appQueues.set(name, queue)
  }
  return queue
}
