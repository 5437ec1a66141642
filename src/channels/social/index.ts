import type { ChannelRegistration } from '@/jobs/channel-registration'
import { socialQueueName } from '@/jobs/queues'

import { AccountRateLimits } from './account-rate-limits'
import { SOCIAL_NETWORKS, type SocialNetwork } from './fit-post'
import { processSocialJob } from './post-job'
import { syncPostJob } from './post-queue'
import { sweepSocialPosts } from './post-sweep'
import { BlueskyPoster } from './posters/bluesky'
import { MastodonPoster } from './posters/mastodon'
import { WebhookPoster } from './posters/webhook'
import { SocialChannel } from './social-channel'

/**
 * A post per configured account. The channel job hands each post to its network's queue, where it
 * waits for its time (pending in the ledger until it goes out); those queues are worked by every
 * process that runs the channel, whatever its lanes, urgent posts first by priority.
 */
export const socialChannel: ChannelRegistration = {
  name: 'social',
  ownQueues: SOCIAL_NETWORKS.map(socialQueueName),
  start: ({ payload, env, queue, redis, namespace, jobOptions, inDoubtPolicy, lockMs }) => {
    const queueFor = (network: SocialNetwork) => queue(socialQueueName(network))
    const posts = {
      payload,
      env,
      posters: { mastodon: new MastodonPoster(), bluesky: new BlueskyPoster(), webhook: new WebhookPoster() },
      limits: new AccountRateLimits(redis(), namespace, env.SOCIAL_RATE_LIMITS),
      inDoubtPolicy,
      lockMs,
    }
    return {
      port: new SocialChannel(payload, env, queueFor),
      processors: Object.fromEntries(SOCIAL_NETWORKS.map((network) => [socialQueueName(network), (job, token) => processSocialJob(job, token, posts)])),
      jobSyncs: { 'social-post': (postId) => syncPostJob(payload, queueFor, jobOptions, postId) },
      repair: () => sweepSocialPosts(payload, queueFor, jobOptions, { dueWithinMs: env.EXPIRY_SWEEP_MS, lockMs }),
    }
  },
}
