import type { CollectionConfig, PayloadHandler } from 'payload'

import { isEditor } from '@/access/isEditor'
import { nobody } from '@/access/nobody'
import { PUBLISHABLE_COLLECTIONS, URGENCIES } from '@/domain/events'
import { campaignStatsForItem } from '@/channels/email/campaign-stats'
import { refusalUnless } from '@/access/refusal'

/** GET /api/campaigns/for-item?collection=…&itemId=…: an item's campaigns and their counts (editors and admins). */
const forItem: PayloadHandler = async (req) => {
  const refused = refusalUnless(req, ['editor', 'admin'], 'Only editors and admins can see email campaigns.')
  if (refused) return refused
  const collection = String(req.query.collection ?? '')
  const itemId = String(req.query.itemId ?? '')
  if (!(PUBLISHABLE_COLLECTIONS as readonly string[]).includes(collection) || !/^[\w-]{1,64}$/.test(itemId)) {
    return Response.json({ message: `Name an item: ?collection=${PUBLISHABLE_COLLECTIONS.join('|')}&itemId=<id>.` }, { status: 400 })
  }
  return Response.json({ campaigns: await campaignStatsForItem(req.payload, collection, itemId) })
}

/**
 * One email campaign per publish event, and per correction staff ask to email: who it goes to is
 * fixed when it is created (subscribers confirmed by `snapshotAt` whose topics and urgency choice
 * match; for a correction, the batches of its alert that were sent), cut into batches by subscriber
 * id so every retry sends a batch to the same people. Only the email channel writes it.
 */
export const Campaigns: CollectionConfig = {
  slug: 'campaigns',
  labels: { singular: 'Email campaign', plural: 'Email campaigns' },
  admin: {
    group: 'Delivery',
    useAsTitle: 'subject',
    defaultColumns: ['subject', 'recipients', 'snapshotAt'],
  },
  access: { read: isEditor, create: nobody, update: nobody, delete: nobody },
  endpoints: [{ path: '/for-item', method: 'get', handler: forItem }],
  fields: [
    { name: 'event', type: 'relationship', relationTo: 'outbox-events', required: true, unique: true },
    { name: 'collection', type: 'select', required: true, options: [...PUBLISHABLE_COLLECTIONS] },
    { name: 'itemId', type: 'text', required: true, index: true },
    { name: 'subject', type: 'text', required: true },
    {
      name: 'kind',
      type: 'select',
      required: true,
      defaultValue: 'alert',
      options: [
        { label: 'Alert (first publication)', value: 'alert' },
        { label: 'Correction (to the alert’s recipients)', value: 'correction' },
      ],
    },
    { name: 'original', type: 'relationship', relationTo: 'campaigns', admin: { description: 'For a correction: the alert it corrects.' } },
    { name: 'urgency', type: 'select', required: true, options: [...URGENCIES] },
    { name: 'topics', type: 'json', admin: { description: "The item's topic ids when the campaign was created." } },
    { name: 'snapshotAt', type: 'date', required: true, admin: { description: 'Subscribers confirmed by then receive it.' } },
    { name: 'recipients', type: 'number', required: true, defaultValue: 0 },
    {
      name: 'batches',
      type: 'json',
      required: true,
      admin: { description: 'Each batch: the subscriber ids after `after` up to `upTo`, and how many of them matched.' },
    },
  ],
}
