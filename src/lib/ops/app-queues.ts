import { Queue } from 'bullmq'

import { configuredChannels, pipelineQueueNames } from '@/jobs/channels'
import { appRedis } from '@/lib/app-redis'
import { getEnv } from '@/lib/env'

import { watchQueues } from './metrics'

let queues: Queue[] | undefined

/**
 * The app's handles on every queue of the installation (for the queue dashboard and the metrics),
 * made once on the app's Redis connection; their depths are reported at /metrics from then on.
 */
export async function appQueues(): Promise<Queue[]> {
  if (!queues) {
    const env = getEnv()
    const connection = await appRedis()
    queues = pipelineQueueNames(configuredChannels(env)).map((name) => new Queue(name, { connection, prefix: env.QUEUE_PREFIX }))
    for (const queue of queues) queue.on('error', () => undefined) // reported by /readyz and the dashboard
    const made = queues
    watchQueues(() => made)
  }
  return queues
}
