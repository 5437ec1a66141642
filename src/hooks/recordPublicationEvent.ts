import type { CollectionAfterChangeHook, CollectionBeforeChangeHook, PayloadRequest } from 'payload'

import { eventKindForSave, type LiveState, type PublishableCollection } from '@/domain/events'
import { NOTIFY_CONTEXT_KEY } from '@/fields/notifySubscribers'
import { lockLiveRow } from '@/lib/lock-live-row'
import { writeOutboxEvent } from '@/collections/OutboxEvents/write-event'

const beforeKey = (collection: string, id: number | string) => `publication:${collection}:${id}`

/** The live row (the published state, not the latest draft) as it is inside this request's transaction. */
async function liveState(req: PayloadRequest, collection: PublishableCollection, id: number | string): Promise<LiveState> {
  const row = await req.payload.db.findOne<{ id: number | string; _status?: 'draft' | 'published'; updatedAt: string }>({
    collection,
    where: { id: { equals: id } },
    req,
  })
  return row ? { status: row._status ?? 'draft', updatedAt: row.updatedAt } : undefined
}

/** Remembers the live state before the save, so the after-hook can tell a publish from an update. */
export const rememberLiveState: CollectionBeforeChangeHook = async ({ collection, operation, originalDoc, req, context }) => {
  if (operation === 'update' && originalDoc?.id !== undefined && !context.skipFanout) {
    await lockLiveRow(req, collection.slug, originalDoc.id)
    context[beforeKey(collection.slug, originalDoc.id)] = await liveState(req, collection.slug as PublishableCollection, originalDoc.id)
  }
}

/**
 * Writes the outbox event for a publish, an update of a live item or a retraction, through `req` so it
 * commits or rolls back with the change itself. Never talks to Redis or a provider: a publish succeeds
 * while the queues are down, and the relay picks the event up when they return. Seeds and imports set
 * `context.skipFanout`.
 */
export const recordPublicationEvent: CollectionAfterChangeHook = async ({ collection, doc, req, context }) => {
  if (context.skipFanout) return doc
  const slug = collection.slug as PublishableCollection
  const before = context[beforeKey(slug, doc.id)] as LiveState
  const kind = eventKindForSave(before, await liveState(req, slug, doc.id))
  if (!kind) return doc

  await writeOutboxEvent(
    req.payload,
    {
      kind,
      collection: slug,
      itemId: doc.id,
      urgency: doc.urgency === 'urgent' ? 'urgent' : 'standard',
      title: doc.title,
      notify: kind === 'update' && context[NOTIFY_CONTEXT_KEY] === true,
    },
    req,
  )
  return doc
}
