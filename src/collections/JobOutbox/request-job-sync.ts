import type { Payload, PayloadRequest } from 'payload'

import type { JobTarget } from '@/jobs/job-targets'

/**
 * Asks the relay to bring the queue job of a launch or a social post in line with the database. With
 * `req` it joins that request's transaction, so it commits or rolls back with the change that asked.
 */
export async function requestJobSync(payload: Payload, target: { kind: JobTarget; collection: string; id: number | string }, req?: PayloadRequest): Promise<void> {
  await payload.create({
    collection: 'job-outbox',
    req,
    overrideAccess: true,
    depth: 0,
    data: { target: target.kind, targetCollection: target.collection, targetId: String(target.id) },
  })
}
