import type { CollectionConfig } from 'payload'

import { isEditor } from '@/access/isEditor'
import { nobody } from '@/access/nobody'
import { EMAIL_EVENT_TYPES } from '@/channels/email/email-events'

import { receiveSendGridEvents } from '@/channels/email/sendgrid-event-webhook'

/**
 * What SendGrid reported about the messages sent: one row per event, kept once however often SendGrid
 * retries the webhook (its sg_event_id is unique). Bounces, spam reports and unsubscribes also change
 * the subscriber; deliveries, opens and clicks are counted per campaign from here.
 */
export const EmailEvents: CollectionConfig = {
  slug: 'email-events',
  labels: { singular: 'Email event', plural: 'Email events' },
  admin: { group: 'Delivery', useAsTitle: 'type', defaultColumns: ['type', 'campaign', 'at'] },
  access: { read: isEditor, create: nobody, update: nobody, delete: nobody },
  endpoints: [{ path: '/sendgrid', method: 'post', handler: receiveSendGridEvents }],
  fields: [
    { name: 'sgEventId', type: 'text', required: true, unique: true },
    { name: 'type', type: 'select', required: true, index: true, options: [...EMAIL_EVENT_TYPES] },
    { name: 'campaign', type: 'relationship', relationTo: 'campaigns', index: true },
    { name: 'subscriber', type: 'relationship', relationTo: 'subscribers', index: true },
    { name: 'at', type: 'date', required: true, index: true },
    { name: 'reason', type: 'text', admin: { description: "SendGrid's reason, for bounces and drops." } },
  ],
}
