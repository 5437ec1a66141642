import { SOCIAL_NETWORKS } from '@/domain/social/fit-post'
import { ConfigError } from '@/lib/config-error'
import type { Env } from '@/lib/env'

import { LANES, LAUNCH_QUEUE, SCHEDULER_QUEUE, channelQueue, fanoutQueue, socialQueueName } from './queues'

/** Every channel there is, in delivery order. */
export const CHANNEL_NAMES = ['log', 'feeds', 'email', 'social'] as const

/**
 * The channels this installation delivers to: every channel it is configured for (email needs
 * SENDGRID_API_KEY), or the ones DELIVERY_CHANNELS names. Throws ConfigError for a name that is not a
 * channel, or email without a key.
 */
export function configuredChannels(env: Pick<Env, 'DELIVERY_CHANNELS' | 'SENDGRID_API_KEY'>): string[] {
  const available = CHANNEL_NAMES.filter((name) => name !== 'email' || env.SENDGRID_API_KEY)
  if (env.DELIVERY_CHANNELS.trim() === 'all') return available
  const wanted = env.DELIVERY_CHANNELS.split(',').map((name) => name.trim()).filter(Boolean)
  if (wanted.includes('email') && !env.SENDGRID_API_KEY) throw new ConfigError('Invalid configuration: DELIVERY_CHANNELS names email, but SENDGRID_API_KEY is not set')
  const unknown = wanted.filter((name) => !available.includes(name as never))
  if (unknown.length > 0) throw new ConfigError(`Invalid configuration: DELIVERY_CHANNELS names unknown channels: ${unknown.join(', ')} (there are: ${available.join(', ')})`)
  return available.filter((name) => wanted.includes(name))
}

/** Every queue of this installation: the fan-out and each channel per lane, the social networks' post queues, the scheduler and the launches. */
export const pipelineQueueNames = (channels: string[]): string[] => [
  ...LANES.flatMap((lane) => [fanoutQueue(lane), ...channels.map((channel) => channelQueue(channel, lane))]),
  ...(channels.includes('social') ? SOCIAL_NETWORKS.map(socialQueueName) : []),
  SCHEDULER_QUEUE,
  LAUNCH_QUEUE,
]

/** The channel a queue belongs to (its name without the lane), or the queue's role. */
export const channelOfQueue = (queue: string): string => /^channel-(.+)-(urgent|standard)$/.exec(queue)?.[1] ?? queue.replace(/-(urgent|standard)$/, '')
