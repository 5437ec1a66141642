import type { Payload } from 'payload'

import type { JobTarget } from '../src/jobs/job-targets'

type Logger = { warn: (o: object, m: string) => void }

export type JobChangeDeps = {
  payload: Payload
  /** Brings the queue job of one target in line with the database, by the target's kind. */
  syncers: Partial<Record<JobTarget, (targetId: string, targetCollection: string) => Promise<void>>>
  logger: Logger
}

/** Changes moved per pass. */
const BATCH = 50
/** Dispatched changes are kept this long, for anyone looking into what moved a job, then deleted. */
const KEPT_MS = 7 * 24 * 60 * 60_000

/**
 * Moves staff changes from the job outbox into the queues: each target's job is brought in line with
 * the database as it is now (several changes to one target since the last pass need one look), then
 * the changes are marked dispatched. A sync that cannot reach Redis throws, the batch stays
 * undispatched, and the next pass tries again; says how many changes it moved.
 */
export async function relayJobChanges(deps: JobChangeDeps): Promise<number> {
  const { docs } = await deps.payload.find({ collection: 'job-outbox', where: { dispatchedAt: { exists: false } }, sort: 'id', limit: BATCH, depth: 0, pagination: false })
  if (docs.length === 0) return 0
  const targets = new Map(docs.map((change) => [`${change.target} ${change.targetCollection} ${change.targetId}`, change]))
  for (const change of targets.values()) {
    const sync = deps.syncers[change.target]
    // A change for a channel this installation no longer runs: there is no job to move.
    if (!sync) deps.logger.warn({ target: change.target, targetId: change.targetId }, 'relay: a queue change for a channel this installation does not run; nothing to move')
    else await sync(change.targetId, change.targetCollection)
  }
  await deps.payload.db.updateMany({ collection: 'job-outbox', where: { id: { in: docs.map((change) => change.id) } }, data: { dispatchedAt: new Date().toISOString() } })
  return docs.length
}

/** Deletes changes dispatched long ago. */
export async function forgetOldJobChanges(payload: Payload, now = new Date()): Promise<void> {
  await payload.db.deleteMany({ collection: 'job-outbox', where: { dispatchedAt: { less_than: new Date(now.getTime() - KEPT_MS).toISOString() } } })
}
