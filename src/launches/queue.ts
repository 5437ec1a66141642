import type { JobsOptions, Queue } from 'bullmq'

import type { PublishableCollection } from '@/domain/events'
import { putDelayedJob, removeWaitingJob } from '@/lib/delayed-jobs'

export type LaunchJob = { collection: PublishableCollection; itemId: string; publishAt: string }

export const launchJobId = (collection: string, id: number | string) => `launch-${collection}-${id}`

/** The item's launch job, due at its `publishAt`. */
export async function scheduleLaunchJob(queue: Queue, launch: LaunchJob, options: JobsOptions, now = Date.now()): Promise<void> {
  await putDelayedJob(queue, 'launch', launchJobId(launch.collection, launch.itemId), launch, options, Math.max(0, Date.parse(launch.publishAt) - now))
}

export async function cancelLaunchJob(queue: Queue, collection: string, id: number | string): Promise<void> {
  await removeWaitingJob(queue, launchJobId(collection, id))
}
