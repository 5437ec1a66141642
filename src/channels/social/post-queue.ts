import type { JobsOptions, Queue } from 'bullmq'
import type { Payload } from 'payload'

import { putDelayedJob, removeWaitingJob } from '@/lib/delayed-jobs'
import { relationId } from '@/lib/relation-id'
import type { SocialPost } from '@/payload-types'

/**
 * A post's jobs are named after its unit key (the event's uid and the account), not its row id,
 * which a reset or restored database hands out again.
 */
export const postJobId = (post: { unitKey: string }) => `social-post-${post.unitKey}`
export const removalJobId = (post: { unitKey: string }) => `social-removal-${post.unitKey}`

/**
 * What a post queue's job carries: which post (its id, and its unit key to be sure the row is still
 * that post), and which ledger unit records this attempt at it (the post's own, or its retraction's);
 * the text and the account are read when it runs. Item and collection are for logs.
 */
export type SocialJob = { postId: number | string; postKey: string; deliveryId: number | string; urgency: 'urgent' | 'standard'; itemId: string; collection: string }

/** Urgent posts are taken before standard ones that fell due at the same time (lower goes first). */
const PRIORITY = { urgent: 1, standard: 10 } as const

type Schedulable = { id: number | string; unitKey: string; deliveryId: number | string; scheduledAt: string; urgency: 'urgent' | 'standard'; itemId: string; collection: string }

/** What a post's job needs to know of it. */
export const postJobFields = (post: SocialPost): Schedulable => ({
  id: post.id,
  unitKey: post.unitKey,
  scheduledAt: post.scheduledAt,
  urgency: post.urgency,
  itemId: post.itemId,
  collection: post.collection,
  deliveryId: relationId(post.delivery)!,
})

const jobData = (post: Omit<Schedulable, 'scheduledAt'>): SocialJob => ({ postId: post.id, postKey: post.unitKey, deliveryId: post.deliveryId, urgency: post.urgency, itemId: post.itemId, collection: post.collection })

/** The post's job, due at its scheduled time. */
export async function schedulePostJob(queue: Queue, post: Schedulable, options: JobsOptions, now = Date.now()): Promise<void> {
  await putDelayedJob(queue, 'post', postJobId(post), jobData(post), { ...options, priority: PRIORITY[post.urgency] }, Math.max(0, Date.parse(post.scheduledAt) - now))
}

/** The deletion of a posted post (a retraction, recorded by `deliveryId`), due now. */
export async function scheduleRemovalJob(queue: Queue, post: Omit<Schedulable, 'scheduledAt'>, options: JobsOptions): Promise<void> {
  await putDelayedJob(queue, 'remove', removalJobId(post), jobData(post), { ...options, priority: PRIORITY.urgent }, 0)
}

/** Takes a cancelled post's job out of its queue; one already running finds the post cancelled. */
export async function removePostJob(queue: Queue, post: { unitKey: string }): Promise<void> {
  await removeWaitingJob(queue, postJobId(post))
}

/**
 * Brings a post's job in line with the post, as the relay does for every staff change to one: due at
 * its time while it is scheduled, gone once it is cancelled; a post going out or done is left alone.
 */
export async function syncPostJob(payload: Payload, queueFor: (network: SocialPost['network']) => Queue, options: JobsOptions, postId: number | string): Promise<void> {
  const post = await payload.findByID({ collection: 'social-posts', id: postId, depth: 0, disableErrors: true })
  if (post?.state === 'scheduled') await schedulePostJob(queueFor(post.network), postJobFields(post), options)
  if (post?.state === 'cancelled') await removePostJob(queueFor(post.network), post)
}
