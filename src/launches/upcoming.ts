import type { Queue } from 'bullmq'
import type { Payload, Where } from 'payload'

import type { PublishableCollection } from '@/domain/events'
import { relationId } from '@/lib/relation-id'

import { launchJobId } from './queue'

export type UpcomingLaunch = {
  collection: PublishableCollection
  id: number
  title: string
  publishAt: string
  /** The item it goes out with, as one release (an announcement and the report it launches). */
  releasedWith?: { collection: PublishableCollection; id: number; title: string }
  /** Why its last attempt failed, when its time has passed and it is still a draft. */
  failure?: string
}

/**
 * Every draft with a launch time, soonest first, each with the item it is released with and, when
 * its time has passed and it is still a draft, why (its launch job's last failure, read from the queue;
 * none when the queue cannot be reached).
 */
export async function upcomingLaunches(payload: Payload, queue: Queue | undefined): Promise<UpcomingLaunch[]> {
  const scheduled: Where = { and: [{ _status: { equals: 'draft' } }, { publishAt: { exists: true } }] }
  const [announcements, reports] = await Promise.all([
    payload.find({ collection: 'announcements', draft: true, where: scheduled, depth: 0, limit: 200, sort: 'publishAt', select: { title: true, publishAt: true, relatedReport: true } }),
    payload.find({ collection: 'reports', draft: true, where: scheduled, depth: 0, limit: 200, sort: 'publishAt', select: { title: true, publishAt: true } }),
  ])
  const launches: UpcomingLaunch[] = [
    ...announcements.docs.map((doc) => ({ collection: 'announcements' as const, id: doc.id, title: doc.title, publishAt: doc.publishAt!, reportId: relationId(doc.relatedReport) })),
    ...reports.docs.map((doc) => ({ collection: 'reports' as const, id: doc.id, title: doc.title, publishAt: doc.publishAt! })),
  ]
  const byKey = new Map(launches.map((launch) => [`${launch.collection}-${launch.id}`, launch]))
  for (const launch of launches) {
    const report = 'reportId' in launch && launch.reportId ? byKey.get(`reports-${launch.reportId}`) : undefined
    if (report && report.publishAt === launch.publishAt) {
      launch.releasedWith = { collection: 'reports', id: report.id, title: report.title }
      report.releasedWith = { collection: 'announcements', id: launch.id, title: launch.title }
    }
    if (queue && Date.parse(launch.publishAt) <= Date.now()) {
      const job = await queue.getJob(launchJobId(launch.collection, launch.id)).catch(() => undefined)
      if (job?.failedReason) launch.failure = job.failedReason
    }
  }
  return launches
    .map(({ collection, id, title, publishAt, releasedWith, failure }) => ({ collection, id, title, publishAt, releasedWith, failure }))
    .sort((a, b) => Date.parse(a.publishAt) - Date.parse(b.publishAt))
}
