import type { Urgency } from '@/domain/events'

/**
 * Queue names, shared by the relay (producer) and the workers. Every queue exists once per lane, so
 * urgent work never waits behind standard work and each lane has its own concurrency. Names carry no
 * ":" (BullMQ's key separator); the hash-tagged QUEUE_PREFIX keeps each queue on one Redis Cluster slot.
 */
export const LANES: Urgency[] = ['urgent', 'standard']

export const fanoutQueue = (lane: Urgency) => `fanout-${lane}`
export const channelQueue = (channel: string, lane: Urgency) => `channel-${channel}-${lane}`
export const SCHEDULER_QUEUE = 'scheduler'

/** One queue per social network for the posts waiting for their time, so each network's limits and outages stay its own. */
export const socialQueueName = (network: string) => `social-${network}`

/** Scheduled launches: a draft's delayed publication at its `publishAt`. */
export const LAUNCH_QUEUE = 'launches'

/** The channel a queue belongs to (its name without the lane), or the queue's role: the label of its metrics and log lines. */
export const channelOfQueue = (queue: string): string => /^channel-(.+)-(urgent|standard)$/.exec(queue)?.[1] ?? queue.replace(/-(urgent|standard)$/, '')
