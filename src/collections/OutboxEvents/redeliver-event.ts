import type { Payload } from 'payload'

/**
 * Hands an event back to the relay under a new generation: its flow is added again with new job ids,
 * and the channel processors deliver whatever units of it are not sent (already-sent units are
 * skipped by the ledger). Staff retries and resends go through here, never to Redis directly, so they
 * work while the queues are down.
 */
export async function redeliverEvent(payload: Payload, eventId: number | string): Promise<void> {
  const event = await payload.findByID({ collection: 'outbox-events', id: eventId, depth: 0 })
  await payload.update({
    collection: 'outbox-events',
    id: eventId,
    depth: 0,
    data: { generation: event.generation + 1, dispatchedAt: null, completedAt: null },
  })
}
