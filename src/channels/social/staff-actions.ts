import type { Endpoint, Payload, PayloadHandler, PayloadRequest } from 'payload'

import { jobOptions } from '@/jobs/options'
import { SOCIAL_NETWORKS } from '@/channels/social/fit-post'
import { socialQueueName } from '@/jobs/queues'
import { appQueue } from '@/lib/app-queue'
import { getEnv } from '@/lib/env'
import { refusalUnless } from '@/lib/http/refusal'
import { logger } from '@/lib/logger'
import { postJobFields, schedulePostJob } from '@/channels/social/post-queue'
import { cancelPost, compareAndSetPost } from '@/channels/social/post-state'
import type { SocialPost } from '@/payload-types'


type Outcome = { status: number; message: string }

/** The networks' queues, for `cancelPost`, which takes them one network at a time. */
const queues = async (payload: Payload) => {
  const handles = new Map(await Promise.all(SOCIAL_NETWORKS.map(async (network) => [network, await appQueue(payload, socialQueueName(network))] as const)))
  return (network: SocialPost['network']) => handles.get(network)!
}

const settled = (post: SocialPost): Outcome => ({
  status: 409,
  message:
    post.state === 'posting'
      ? 'This post is going out right now; it can no longer be stopped.'
      : `This post is ${post.state}; there is nothing to ${post.state === 'posted' ? 'cancel (retract the item to delete it from the network)' : 'do'}.`,
})

/** Cancel a post that has not gone out: it never will. */
const cancel = async (req: PayloadRequest, post: SocialPost): Promise<Outcome> => {
  const cancelled = await cancelPost(req.payload, post, `Cancelled by ${req.user!.email ?? 'staff'}`, await queues(req.payload))
  return cancelled ? { status: 200, message: 'Cancelled: this post will not go out.' } : settled(post)
}

/**
 * Post now: the time becomes now and the job is brought forward. A failed post is scheduled again.
 * If the queue cannot be reached the post is still due, and the worker's sweep sends it once the
 * queue is back.
 */
const postNow = async (req: PayloadRequest, post: SocialPost): Promise<Outcome> => {
  const now = new Date()
  if (!(await compareAndSetPost(req.payload, post.id, ['scheduled', 'failed'], 'scheduled', { scheduledAt: now }))) return settled(post)
  const env = getEnv()
  try {
    await schedulePostJob((await queues(req.payload))(post.network), { ...postJobFields(post), scheduledAt: now.toISOString() }, jobOptions(env))
  } catch (error) {
    logger.warn({ postId: post.id, err: error instanceof Error ? error.message : String(error) }, 'social post: post-now could not reach the queue')
    return { status: 202, message: 'Due now. The post queue cannot be reached just now; it goes out as soon as the queue is back.' }
  }
  return { status: 202, message: 'Going out now.' }
}

const handler =
  (name: string, action: (req: PayloadRequest, post: SocialPost) => Promise<Outcome>): PayloadHandler =>
  async (req) => {
    const refused = refusalUnless(req, ['editor', 'admin'], 'Only editors and admins can act on social posts.')
    if (refused) return refused
    const post = await req.payload.findByID({ collection: 'social-posts', id: req.routeParams?.id as string, depth: 0, disableErrors: true })
    if (!post) return Response.json({ message: 'No such social post.' }, { status: 404 })
    const outcome = await action(req, post)
    logger.info({ postId: post.id, action: name, userId: req.user!.id, status: outcome.status }, `social post ${name}`)
    return Response.json({ message: outcome.message }, { status: outcome.status })
  }

export const socialPostEndpoints: Endpoint[] = [
  { path: '/:id/cancel', method: 'post', handler: handler('cancel', cancel) },
  { path: '/:id/post-now', method: 'post', handler: handler('post-now', postNow) },
]
