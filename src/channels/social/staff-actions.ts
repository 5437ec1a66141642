import type { Endpoint, PayloadHandler, PayloadRequest } from 'payload'

import { requestJobSync } from '@/collections/JobOutbox/request-job-sync'
import { refusalUnless } from '@/access/refusal'
import { logger } from '@/lib/logger'
import type { SocialPost } from '@/payload-types'

import { cancelPost, compareAndSetPost } from './post-state'

type Outcome = { status: number; message: string }

const settled = (post: SocialPost): Outcome => ({
  status: 409,
  message:
    post.state === 'posting'
      ? 'This post is going out right now; it can no longer be stopped.'
      : `This post is ${post.state}; there is nothing to ${post.state === 'posted' ? 'cancel (retract the item to delete it from the network)' : 'do'}.`,
})

/** Cancel a post that has not gone out: it never will. */
const cancel = async (req: PayloadRequest, post: SocialPost): Promise<Outcome> => {
  const cancelled = await cancelPost(req.payload, post, `Cancelled by ${req.user!.email ?? 'staff'}`)
  return cancelled ? { status: 200, message: 'Cancelled: this post will not go out.' } : settled(post)
}

/**
 * Post now: the time becomes now, and the relay brings the job forward (through the job outbox, so
 * this works while Redis is down: the post goes out once it is back). A failed post is scheduled again.
 */
const postNow = async (req: PayloadRequest, post: SocialPost): Promise<Outcome> => {
  if (!(await compareAndSetPost(req.payload, post.id, ['scheduled', 'failed'], 'scheduled', { scheduledAt: new Date() }))) return settled(post)
  await requestJobSync(req.payload, { kind: 'social-post', collection: 'social-posts', id: post.id })
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
