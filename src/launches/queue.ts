import type { JobsOptions, Queue } from 'bullmq'
import type { Payload } from 'payload'

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

/**
 * Brings an item's launch job in line with its draft, as the relay does for every launch change staff
 * save: due at its `publishAt` while it is a draft with a launch time, gone otherwise.
 */
export async function syncLaunchJob(payload: Payload, queue: Queue, options: JobsOptions, collection: PublishableCollection, id: number | string): Promise<void> {
  const draft = await payload.findByID({ collection, id, draft: true, depth: 0, disableErrors: true })
  if (draft?._status === 'draft' && draft.publishAt) await scheduleLaunchJob(queue, { collection, itemId: String(id), publishAt: draft.publishAt }, options)
  else await cancelLaunchJob(queue, collection, id)
}
