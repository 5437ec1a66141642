import { NotFound, type Payload } from 'payload'

import { DeliveryError } from '../src/delivery/errors'
import type { PipelineEvent } from '../src/domain/events'
import type { ItemSnapshot } from '../src/delivery/ports'
import { relationId } from '../src/lib/relation-id'

/**
 * The outbox event a job is about, which must be the event the job was made for: the same row id
 * with another uid is a different event, in a database restored or reset since the job was queued,
 * and such a job fails for good rather than deliver someone else's statement. A missing row is not
 * committed yet (or was lost in a restore): worth retrying, and visible as a failed job if it stays.
 */
export async function loadEvent(payload: Payload, job: { eventId: number | string; eventUid: string }): Promise<PipelineEvent> {
  const event = await payload.findByID({ collection: 'outbox-events', id: job.eventId, depth: 0, disableErrors: true })
  if (!event) throw new DeliveryError(`Outbox event ${job.eventId} (${job.eventUid}) is not in the database (yet)`, { retryable: true })
  if (event.uid !== job.eventUid) {
    throw new DeliveryError(`Outbox event ${job.eventId} is now another event (${event.uid}, not ${job.eventUid}): the database was reset or restored since this job was queued`, {
      retryable: false,
    })
  }
  return {
    id: event.id,
    uid: event.uid,
    collection: event.collection,
    itemId: event.itemId,
    versionId: event.versionId,
    kind: event.kind,
    urgency: event.urgency,
    notify: Boolean(event.notify),
    committedAt: event.createdAt,
  }
}

/**
 * The item as it is live now, read fresh so a job never delivers stale text. A deleted or unpublished
 * item still yields a snapshot (live: false) so a retraction can be delivered.
 */
export async function loadItem(payload: Payload, event: PipelineEvent, fallbackTitle = ''): Promise<ItemSnapshot> {
  try {
    const doc = await payload.findByID({ collection: event.collection, id: event.itemId, depth: 0, draft: false })
    return {
      id: doc.id,
      collection: event.collection,
      title: doc.title,
      slug: doc.slug ?? '',
      summary: doc.summary,
      urgency: 'urgency' in doc && doc.urgency === 'urgent' ? 'urgent' : 'standard',
      channels: 'channels' in doc && doc.channels ? doc.channels : {},
      topics: (doc.topics ?? []).map((topic) => String(relationId(topic))),
      live: doc._status === 'published',
    }
  } catch (error) {
    if (!(error instanceof NotFound)) throw error
    return { id: event.itemId, collection: event.collection, title: fallbackTitle, slug: '', summary: '', urgency: event.urgency, channels: {}, topics: [], live: false }
  }
}
