import { UnrecoverableError, type Job, type JobsOptions, type Queue } from 'bullmq'
import { commitTransaction, createLocalReq, initTransaction, killTransaction, ValidationError, type Payload } from 'payload'

import type { PublishableCollection } from '@/domain/events'
import { LAUNCH_CONTEXT_KEY } from '@/hooks/scheduleLaunch'
import { launchJobId, scheduleLaunchJob, type LaunchJob } from './queue'
import { relationId } from '@/lib/relation-id'
import { EARLY_MS, waitUntil } from '@/jobs/wait-until'

type Target = { collection: PublishableCollection; id: number | string }

/**
 * A scheduled launch falling due: the draft as it is now (staff may have moved or cleared its time, or
 * published it by hand) is published with its full fan-out. An announcement whose related report is
 * scheduled for the same instant is one release: both publish in one transaction, so neither is out
 * without the other; the report's own job then finds it published.
 */
export async function processLaunchJob(job: Job<LaunchJob>, token: string | undefined, payload: Payload): Promise<object> {
  const { collection, itemId } = job.data
  const draft = await payload.findByID({ collection, id: itemId, draft: true, depth: 0, disableErrors: true })
  if (!draft) return { skipped: 'the item was deleted' }
  if (draft._status === 'published') return { skipped: 'already published' }
  if (!draft.publishAt) return { skipped: 'the launch was cancelled' }
  const at = Date.parse(draft.publishAt)
  if (at > Date.now() + EARLY_MS) return waitUntil(job, at, token)

  const release: Target[] = [{ collection, id: draft.id }]
  if (collection === 'reports') {
    const { docs: partners } = await payload.find({
      collection: 'announcements',
      draft: true,
      depth: 0,
      limit: 1,
      where: { and: [{ relatedReport: { equals: draft.id } }, { publishAt: { equals: draft.publishAt } }, { _status: { equals: 'draft' } }] },
    })
    if (partners[0]) return { skipped: `launches with announcement ${partners[0].id}` }
  } else if ('relatedReport' in draft && draft.relatedReport) {
    const report = await payload.findByID({ collection: 'reports', id: relationId(draft.relatedReport)!, draft: true, depth: 0, disableErrors: true })
    if (report?._status === 'draft' && report.publishAt && Date.parse(report.publishAt) === at) release.unshift({ collection: 'reports', id: report.id })
  }

  const req = await createLocalReq({ context: { [LAUNCH_CONTEXT_KEY]: true } }, payload)
  await initTransaction(req)
  try {
    for (const target of release) {
      await payload.update({ collection: target.collection, id: target.id, data: { _status: 'published' }, req, depth: 0, context: { [LAUNCH_CONTEXT_KEY]: true } })
    }
    await commitTransaction(req)
  } catch (error) {
    await killTransaction(req)
    // A draft that cannot be published as it stands (a required field empty) will not improve by
    // retrying: the launch fails at once, with the reason, on Upcoming launches; saving the fixed
    // draft launches it.
    if (error instanceof ValidationError) throw new UnrecoverableError(`${error.message}: ${error.data.errors.map((problem) => `${problem.path} ${problem.message}`).join('; ')}`)
    throw error
  }
  return { published: release.map((target) => `${target.collection}/${target.id}`) }
}

/**
 * Puts back the launch jobs of drafts whose time has come (or comes before the next sweep) when their
 * job is missing, as after Redis lost its data. A failed launch is left alone: it waits for staff to
 * fix the draft (saving it launches it) rather than being retried every sweep. Says how many jobs it
 * put back.
 */
export async function sweepLaunches(payload: Payload, queue: Queue, options: JobsOptions, dueWithinMs: number): Promise<number> {
  let count = 0
  for (const collection of ['announcements', 'reports'] as const) {
    const { docs } = await payload.find({
      collection,
      draft: true,
      depth: 0,
      limit: 200,
      where: { and: [{ _status: { equals: 'draft' } }, { publishAt: { less_than_equal: new Date(Date.now() + dueWithinMs).toISOString() } }] },
    })
    for (const doc of docs) {
      // A completed job that left its draft scheduled and due (it was to go out with an announcement
      // that did not) is run again; any other job is still to run, or failed and waits for staff.
      const job = await queue.getJob(launchJobId(collection, doc.id))
      if (job && (await job.getState()) !== 'completed') continue
      await scheduleLaunchJob(queue, { collection, itemId: String(doc.id), publishAt: doc.publishAt! }, options)
      count++
    }
  }
  return count
}
