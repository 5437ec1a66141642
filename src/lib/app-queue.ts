import { Queue } from 'bullmq'
import type { Payload } from 'payload'

import { appRedis } from './app-redis'
import { getEnv } from './env'
import { installationNamespace } from './installation'

const handles = new Map<string, Queue>()

/**
 * The app's handle on one queue, made once on the app's one Redis connection, in the installation's
 * namespace: for staff actions that move a job (a social post's time, a scheduled launch), the queue
 * dashboard and the metrics. Each use reports its own failure to its caller (and /readyz reports
 * Redis being down).
 */
export async function appQueue(payload: Payload, name: string): Promise<Queue> {
  const connection = await appRedis()
  const prefix = await installationNamespace(payload, getEnv().QUEUE_PREFIX)
  let queue = handles.get(name)
  if (!queue) {
    queue = new Queue(name, { connection, prefix })
    queue.on('error', () => undefined)
    handles.set(name, queue)
  }
  return queue
}
