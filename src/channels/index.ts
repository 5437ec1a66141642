import { LANES, channelQueue, fanoutQueue, LAUNCH_QUEUE, SCHEDULER_QUEUE } from '@/jobs/queues'
import type { ChannelRegistration } from '@/jobs/channel-registration'
import { ConfigError } from '@/lib/config-error'
import type { Env } from '@/lib/env'

import { emailChannel } from './email'
import { feedsChannel } from './feeds'
import { logChannel } from './log'
import { socialChannel } from './social'

/** Every channel there is, in delivery order. A new channel is a folder and one line here. */
export const CHANNELS: ChannelRegistration[] = [logChannel, feedsChannel, emailChannel, socialChannel]

/**
 * The channels this installation delivers to: every channel it can run (email needs
 * SENDGRID_API_KEY), or the ones DELIVERY_CHANNELS names. Throws ConfigError for a name that is not
 * a channel, or one the installation cannot run, saying why.
 */
export function configuredChannels(env: Pick<Env, 'DELIVERY_CHANNELS' | 'SENDGRID_API_KEY'>, registry: ChannelRegistration[] = CHANNELS): ChannelRegistration[] {
  const available = registry.filter((channel) => !channel.unavailable?.(env as Env))
  if (env.DELIVERY_CHANNELS.trim() === 'all') return available
  const wanted = env.DELIVERY_CHANNELS.split(',').map((name) => name.trim()).filter(Boolean)
  for (const channel of registry) {
    const reason = wanted.includes(channel.name) && channel.unavailable?.(env as Env)
    if (reason) throw new ConfigError(`Invalid configuration: DELIVERY_CHANNELS names ${channel.name}, but ${reason}`)
  }
  const unknown = wanted.filter((name) => !available.some((channel) => channel.name === name))
  if (unknown.length > 0) throw new ConfigError(`Invalid configuration: DELIVERY_CHANNELS names unknown channels: ${unknown.join(', ')} (there are: ${available.map((channel) => channel.name).join(', ')})`)
  return available.filter((channel) => wanted.includes(channel.name))
}

/** Every queue of this installation: the fan-out and each channel per lane, the channels' own queues, the scheduler and the launches. */
export const pipelineQueueNames = (channels: ChannelRegistration[]): string[] => [
  ...LANES.flatMap((lane) => [fanoutQueue(lane), ...channels.map((channel) => channelQueue(channel.name, lane))]),
  ...channels.flatMap((channel) => channel.ownQueues ?? []),
  SCHEDULER_QUEUE,
  LAUNCH_QUEUE,
]
