import { randomUUID } from 'node:crypto'

import type { Payload, PayloadRequest } from 'payload'

import type { EventKind, PublishableCollection, Urgency } from '@/domain/events'

export type OutboxEventInput = {
  kind: EventKind
  collection: PublishableCollection
  itemId: number | string
  urgency: Urgency
  title: string
  /** An update staff asked to email to the original's recipients. */
  notify?: boolean
  /** What makes this event unique besides item and kind; the item's latest version when unset. */
  dedupeOn?: string
}

/**
 * Writes one outbox event for the item's latest version. With `req` it joins that request's
 * transaction, so the event commits or rolls back with the change; the unique dedupe key refuses a
 * second event for the same item, kind and version (or `dedupeOn`) with a ValidationError.
 */
export async function writeOutboxEvent(payload: Payload, event: OutboxEventInput, req?: PayloadRequest): Promise<void> {
  const { docs } = await payload.db.findVersions({
    collection: event.collection,
    where: { parent: { equals: event.itemId } },
    sort: '-updatedAt',
    limit: 1,
    req,
  })
  const versionId = String(docs[0]?.id ?? 'unversioned')
  await payload.create({
    collection: 'outbox-events',
    req,
    overrideAccess: true,
    data: {
      uid: randomUUID(),
      kind: event.kind,
      collection: event.collection,
      itemId: String(event.itemId),
      versionId,
      urgency: event.urgency,
      title: event.title,
      notify: event.notify ?? false,
      dedupeKey: `${event.collection}-${event.itemId}-${event.dedupeOn ?? versionId}-${event.kind}`,
      generation: 0,
    },
  })
}
