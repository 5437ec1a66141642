import type { Job } from 'bullmq'
import type { Payload } from 'payload'

import { fanoutJobSchema } from '../../src/jobs/payloads'
import { loadEvent } from '../pipeline-data'

/**
 * The parent of an event's flow, run once every channel job has finished (or failed for good): it
 * marks the event complete and returns the ledger's tally, which the logs and dashboards show.
 */
export async function processFanoutJob(job: Job, payload: Payload): Promise<Record<string, number>> {
  const event = await loadEvent(payload, fanoutJobSchema.parse(job.data))
  const { docs } = await payload.find({
    collection: 'deliveries',
    where: { event: { equals: event.id } },
    depth: 0,
    pagination: false,
    select: { state: true },
  })
  const tally: Record<string, number> = {}
  for (const { state } of docs) tally[state] = (tally[state] ?? 0) + 1
  await payload.db.updateOne({ collection: 'outbox-events', id: event.id, data: { completedAt: new Date().toISOString() } })
  return tally
}
