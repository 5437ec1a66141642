import type { CollectionConfig } from 'payload'

import { isStaff } from '@/access/isStaff'
import { nobody } from '@/access/nobody'
import { PUBLISHABLE_COLLECTIONS, URGENCIES } from '@/domain/events'
import { DELIVERY_STATES } from '@/delivery/ledger'

import { channelPauseEndpoints } from './endpoints/channelPauses'
import { deliveryEndpoints } from './endpoints/staffActions'

/**
 * The delivery ledger: one row per unit of delivery (a feed build, an email batch, a social post) of
 * one event. Only the workers write it, through the compare-and-set helper; staff read it and act on
 * failed and in-doubt units through its endpoints (retry, resend, mark-sent).
 */
export const Deliveries: CollectionConfig = {
  slug: 'deliveries',
  labels: { singular: 'Delivery', plural: 'Deliveries' },
  admin: {
    group: 'Delivery',
    useAsTitle: 'unitKey',
    defaultColumns: ['channel', 'unitKey', 'state', 'attempts', 'lastError', 'updatedAt'],
  },
  access: { read: isStaff, create: nobody, update: nobody, delete: nobody },
  endpoints: [...channelPauseEndpoints, ...deliveryEndpoints],
  fields: [
    { name: 'event', type: 'relationship', relationTo: 'outbox-events', required: true, index: true },
    { name: 'collection', type: 'select', required: true, options: [...PUBLISHABLE_COLLECTIONS] },
    { name: 'itemId', type: 'text', required: true, index: true },
    { name: 'channel', type: 'text', required: true, index: true },
    { name: 'unitKey', type: 'text', required: true, unique: true },
    { name: 'state', type: 'select', required: true, defaultValue: 'pending', index: true, options: [...DELIVERY_STATES] },
    { name: 'urgency', type: 'select', required: true, options: [...URGENCIES] },
    { name: 'size', type: 'number', defaultValue: 1, admin: { description: 'Things this unit carries, e.g. recipients in an email batch.' } },
    { name: 'attempts', type: 'number', required: true, defaultValue: 0 },
    { name: 'lastError', type: 'textarea', admin: { description: 'Why the last attempt failed, or why the unit is in doubt.' } },
    { name: 'detail', type: 'text', admin: { description: "What the provider answered (a message id, a post's address)." } },
    { name: 'sendingAt', type: 'date', admin: { description: 'When the last attempt started sending.' } },
    { name: 'sentAt', type: 'date', index: true },
    {
      name: 'interruptedAt',
      type: 'date',
      admin: { description: 'When an attempt was found cut off mid-send (in doubt). Kept after it is sent again: the people or posts in this unit may have had it twice.' },
    },
    { name: 'resolvedBy', type: 'relationship', relationTo: 'users', admin: { description: 'Who retried it or decided about it.' } },
  ],
}
