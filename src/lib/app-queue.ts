import { Queue } from 'bullmq'

import { appRedis } from './app-redis'
import { getEnv } from './env'

const handles = new Map<string, Queue>()

/**
 * The app's handle on one queue, for staff actions that move a job (a social post's time, a scheduled
 * launch), on the app's one Redis connection. Each use reports its own failure to its caller.
 */
export async function appQueue(name: string): Promise<Queue> {
  const connection = await appRedis()
  let queue = handles.get(name)
  if (!queue) {
    queue = new Queue(name, { connection, prefix: getEnv().QUEUE_PREFIX })
    queue.on('error', () => undefined)
    handles.set(name, queue)
  }
  return queue
}
