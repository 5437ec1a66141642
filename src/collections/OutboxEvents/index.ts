import type { CollectionConfig } from 'payload'

import { isEditor } from '@/access/isEditor'
import { nobody } from '@/access/nobody'
import { EVENT_KINDS, PUBLISHABLE_COLLECTIONS, URGENCIES } from '@/domain/events'

import { outboxEventEndpoints } from './endpoints/redeliver'

/**
 * The publish outbox: one row per publish, update, retraction or expiry, written in the same
 * transaction as the change. The worker's relay turns undispatched rows into queue jobs. Written only
 * by the system; editors may read it to see what is on its way.
 */
export const OutboxEvents: CollectionConfig = {
  slug: 'outbox-events',
  labels: { singular: 'Outbox event', plural: 'Outbox events' },
  admin: {
    group: 'Delivery',
    useAsTitle: 'title',
    defaultColumns: ['kind', 'title', 'urgency', 'createdAt', 'dispatchedAt'],
  },
  access: { read: isEditor, create: nobody, update: nobody, delete: nobody },
  endpoints: outboxEventEndpoints,
  fields: [
    {
      name: 'uid',
      type: 'text',
      required: true,
      unique: true,
      admin: {
        readOnly: true,
        description:
          'Minted with the event. Queue job ids and ledger unit keys derive from it, never from the row id, which starts again after a database reset or restore.',
      },
    },
    { name: 'kind', type: 'select', required: true, options: [...EVENT_KINDS] },
    { name: 'collection', type: 'select', required: true, options: [...PUBLISHABLE_COLLECTIONS] },
    { name: 'itemId', type: 'text', required: true, index: true },
    { name: 'versionId', type: 'text', required: true },
    { name: 'urgency', type: 'select', required: true, options: [...URGENCIES] },
    { name: 'title', type: 'text', admin: { description: 'The item title when the event was written.' } },
    { name: 'notify', type: 'checkbox', defaultValue: false, admin: { description: 'An update staff asked to email to the original recipients.' } },
    {
      name: 'dedupeKey',
      type: 'text',
      required: true,
      unique: true,
      admin: { description: 'One event per item version and kind (and per expiry time).' },
    },
    { name: 'dispatchedAt', type: 'date', index: true, admin: { description: 'When the relay handed it to the queues.' } },
    {
      name: 'generation',
      type: 'number',
      required: true,
      defaultValue: 0,
      admin: { description: 'Raised when staff redeliver part of it, so the queues take it again.' },
    },
    { name: 'completedAt', type: 'date', admin: { description: 'When every channel had finished with it.' } },
  ],
}
