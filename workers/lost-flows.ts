import type { Queue } from 'bullmq'
import type { Payload } from 'payload'

import type { Urgency } from '../src/domain/events'
import { fanoutJobId } from '../src/jobs/job-ids'
import { redeliverEvent } from '../src/collections/OutboxEvents/redeliver-event'

/** An event whose flow has not finished after this long may have lost its jobs. */
export const LOST_AFTER_MS = 2 * 60_000
/** Older than this, a lost event is left to staff (the delivery dashboard lists it) rather than sent a day late. */
const LOOK_BACK_MS = 24 * 60 * 60_000

/**
 * Hands back to the relay the dispatched events that never finished and have no live flow:
 * - their flow is gone from Redis (a restart without its append-only file, a failover to an empty
 *   replica): the relay adds it again under the same job ids;
 * - their flow finished while the database does not have the event complete (the fan-out parent
 *   failed for good while the database was away, or a restore took back what it had recorded): a new
 *   generation, so the queues take it once more.
 * Either way the ledger keeps every unit already sent from going out twice. An event whose flow is
 * still there and unfinished, however long it waits (a rate-limited or paused channel), is left
 * alone. Returns how many it handed back.
 */
export async function requeueLostEvents(payload: Payload, fanoutQueues: Record<Urgency, Queue>, now = new Date(), lostAfterMs = LOST_AFTER_MS): Promise<number> {
  const { docs } = await payload.find({
    collection: 'outbox-events',
    where: {
      and: [
        { completedAt: { exists: false } },
        { dispatchedAt: { less_than_equal: new Date(now.getTime() - lostAfterMs).toISOString() } },
        { dispatchedAt: { greater_than: new Date(now.getTime() - LOOK_BACK_MS).toISOString() } },
      ],
    },
    sort: 'id',
    limit: 500,
    depth: 0,
    pagination: false,
    select: { uid: true, urgency: true, generation: true },
  })
  let requeued = 0
  for (const event of docs) {
    const job = await fanoutQueues[event.urgency].getJob(fanoutJobId(event.uid, event.generation))
    if (!job) {
      await payload.db.updateOne({ collection: 'outbox-events', id: event.id, data: { dispatchedAt: null } })
      requeued++
      continue
    }
    const state = await job.getState()
    if (state !== 'completed' && state !== 'failed') continue
    await redeliverEvent(payload, event.id)
    requeued++
  }
  return requeued
}
