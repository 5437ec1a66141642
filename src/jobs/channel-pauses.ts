import { Queue } from 'bullmq'
import type { Redis } from 'ioredis'

import { LANES, channelQueue } from '@/jobs/queues'
import { logger } from '@/lib/logger'

export type ChannelPause = { channel: string; reason: string; pausedAt: string }

/**
 * Pausing a whole channel, for failures every other unit would meet too (a provider refusing our
 * credentials): both lanes' queues stop handing out jobs in every worker process, and the reason is
 * kept beside them for staff. The queues' paused flag is the truth (resuming from the queue dashboard
 * counts); the reason only explains it.
 */
export class ChannelPauses {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private get key() {
    return `${this.prefix}:channel-pauses`
  }

  private async eachQueue<T>(channel: string, act: (queue: Queue) => Promise<T>): Promise<T[]> {
    const queues = LANES.map((lane) => new Queue(channelQueue(channel, lane), { connection: this.redis, prefix: this.prefix }))
    try {
      return await Promise.all(queues.map(act))
    } finally {
      await Promise.all(queues.map((queue) => queue.close()))
    }
  }

  async pause(channel: string, reason: string): Promise<void> {
    const pause: ChannelPause = { channel, reason, pausedAt: new Date().toISOString() }
    await this.redis.hset(this.key, channel, JSON.stringify(pause))
    await this.eachQueue(channel, (queue) => queue.pause())
    logger.warn({ channel, reason }, 'channel paused until staff resume it')
  }

  async resume(channel: string): Promise<void> {
    await this.eachQueue(channel, (queue) => queue.resume())
    await this.redis.hdel(this.key, channel)
    logger.info({ channel }, 'channel resumed')
  }

  /** The channels paused now, with why and since when. */
  async list(): Promise<ChannelPause[]> {
    const entries = Object.values(await this.redis.hgetall(this.key)).map((value) => JSON.parse(value) as ChannelPause)
    const paused = await Promise.all(entries.map(async (pause) => (await this.eachQueue(pause.channel, (queue) => queue.isPaused())).some(Boolean)))
    return entries.filter((_, index) => paused[index])
  }
}
