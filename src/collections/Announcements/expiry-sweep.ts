import { ValidationError, type Payload } from 'payload'

import { writeOutboxEvent } from '@/collections/OutboxEvents/write-event'

/**
 * Writes an `expire` outbox event for every live announcement whose expiresAt has passed. The dedupe
 * key holds the expiry time, so each expiry is announced once however often the sweep runs, and moving
 * the expiry later announces the new one.
 */
export async function sweepExpiries(payload: Payload, now = new Date()): Promise<number> {
  const { docs } = await payload.find({
    collection: 'announcements',
    where: { and: [{ _status: { equals: 'published' } }, { expiresAt: { less_than_equal: now.toISOString() } }] },
    depth: 0,
    pagination: false,
    select: { title: true, urgency: true, expiresAt: true },
  })
  let written = 0
  for (const item of docs) {
    try {
      await writeOutboxEvent(payload, {
        kind: 'expire',
        collection: 'announcements',
        itemId: item.id,
        urgency: item.urgency,
        title: item.title,
        dedupeOn: item.expiresAt ?? undefined,
      })
      written++
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error // the unique dedupe key: announced already
    }
  }
  return written
}
