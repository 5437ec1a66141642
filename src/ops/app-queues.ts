import type { Queue } from 'bullmq'
import type { Payload } from 'payload'

import { configuredChannels, pipelineQueueNames } from '@/channels'
import { appQueue } from '@/lib/app-queue'
import { getEnv } from '@/lib/env'

import { watchQueues } from './metrics'

let queues: Queue[] | undefined

/**
 * The app's handles on every queue of the installation (for the queue dashboard and the metrics),
 * the same handles staff actions use; their depths are reported at /metrics from then on.
 */
export async function appQueues(payload: Payload): Promise<Queue[]> {
  if (!queues) {
    const made = await Promise.all(pipelineQueueNames(configuredChannels(getEnv())).map((name) => appQueue(payload, name)))
    queues = made
    watchQueues(() => made)
  }
  return queues
}
