import type { CollectionConfig } from 'payload'

import { isAdmin } from '@/access/isAdmin'
import { isEditor } from '@/access/isEditor'

import { confirm, showConfirmation } from './endpoints/confirm'
import { subscribe } from './endpoints/subscribe'
import { normaliseEmail } from './hooks/normaliseEmail'
import { stampConfirmedAt } from './hooks/stampConfirmedAt'

export const SUBSCRIBER_STATUSES = ['pending', 'confirmed', 'unsubscribed', 'bounced', 'complained'] as const
export const CONSENT_SOURCES = ['site-form', 'import', 'admin'] as const

/** People who asked for alerts. Personal data: never readable without signing in as an editor or admin. */
export const Subscribers: CollectionConfig = {
  slug: 'subscribers',
  admin: {
    group: 'Subscribers',
    useAsTitle: 'email',
    defaultColumns: ['email', 'status', 'urgentOnly', 'updatedAt'],
  },
  access: {
    read: isEditor,
    create: isAdmin,
    update: isAdmin,
    delete: isAdmin,
  },
  // Public: they act only through what they are given (an address to confirm, a signed link).
  endpoints: [
    { path: '/subscribe', method: 'post', handler: subscribe },
    { path: '/confirm', method: 'get', handler: showConfirmation },
    { path: '/confirm', method: 'post', handler: confirm },
  ],
  fields: [
    {
      name: 'email',
      type: 'email',
      required: true,
      unique: true,
      index: true,
      hooks: { beforeValidate: [normaliseEmail] },
    },
    {
      name: 'status',
      type: 'select',
      required: true,
      defaultValue: 'pending',
      index: true,
      options: SUBSCRIBER_STATUSES.map((value) => ({ label: value, value })),
    },
    {
      name: 'confirmedAt',
      type: 'date',
      index: true,
      admin: { readOnly: true, description: 'When they became a confirmed subscriber; empty while not confirmed.' },
      hooks: { beforeChange: [stampConfirmedAt] },
    },
    {
      name: 'confirmationSentAt',
      type: 'date',
      admin: { readOnly: true, description: 'When the last confirmation link was sent.' },
    },
    {
      name: 'topics',
      type: 'relationship',
      relationTo: 'topics',
      hasMany: true,
      admin: { description: 'No topics means every topic.' },
    },
    {
      name: 'urgentOnly',
      type: 'checkbox',
      defaultValue: false,
      admin: { description: 'Only urgent statements are sent.' },
    },
    {
      name: 'consent',
      type: 'group',
      admin: { description: 'The record of how and when this person agreed to receive email.' },
      fields: [
        { name: 'givenAt', type: 'date', admin: { date: { pickerAppearance: 'dayAndTime' } } },
        { name: 'source', type: 'select', options: CONSENT_SOURCES.map((value) => ({ label: value, value })) },
        { name: 'wordingVersion', type: 'text', admin: { description: 'Which version of the sign-up wording they saw.' } },
        { name: 'import', type: 'relationship', relationTo: 'subscriber-imports', admin: { readOnly: true, description: 'The list import they came from, and the consent it records.' } },
      ],
    },
  ],
}
