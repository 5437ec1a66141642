import type { CollectionConfig } from 'payload'

import { isAdmin } from '@/access/isAdmin'
import { URGENCIES } from '@/domain/events'
import { SOCIAL_NETWORKS } from '@/channels/social/fit-post'
import { scheduleProblem } from '@/channels/social/next-slot'

import { sealSecret } from './sealSecret'


const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'].map((label, index) => ({ label, value: String(index + 1) }))

/**
 * The social accounts statements are posted to (admins only). Each has its network, where its API is,
 * the credential to use it (sealed with SOCIAL_CREDENTIALS_KEY, and never readable through any API),
 * the weekly times standard posts go out in its time zone, and which items it posts.
 */
export const Accounts: CollectionConfig = {
  slug: 'accounts',
  labels: { singular: 'Social account', plural: 'Social accounts' },
  admin: { group: 'Delivery', useAsTitle: 'displayName', defaultColumns: ['displayName', 'network', 'enabled'] },
  access: { read: isAdmin, create: isAdmin, update: isAdmin, delete: isAdmin },
  fields: [
    { name: 'network', type: 'select', required: true, options: SOCIAL_NETWORKS.map((value) => ({ label: value, value })) },
    { name: 'displayName', type: 'text', required: true, maxLength: 100 },
    {
      name: 'baseUrl',
      type: 'text',
      required: true,
      admin: { description: 'The API: the Mastodon server (https://mastodon.example), the Bluesky PDS (https://bsky.social), or the webhook URL.' },
      validate: (value: string | null | undefined) => (value && /^https?:\/\/[^\s/]+(\/\S*)?$/.test(value)) || 'Enter an absolute URL starting with https://',
    },
    { name: 'identifier', type: 'text', admin: { description: 'Bluesky: the handle to sign in as (name.bsky.social). Others: empty.' } },
    {
      name: 'secret',
      type: 'text',
      // Write-only: sealed on save, never sent back by any API; leave empty to keep the current one.
      access: { read: () => false },
      admin: { description: 'Mastodon: the access token; Bluesky: an app password; webhook: the signing secret. Stored encrypted; never shown again.' },
      hooks: { beforeChange: [sealSecret] },
    },
    { name: 'enabled', type: 'checkbox', defaultValue: true },
    {
      name: 'urgencies',
      type: 'select',
      hasMany: true,
      defaultValue: [...URGENCIES],
      options: URGENCIES.map((value) => ({ label: value, value })),
      admin: { description: 'Which items it posts: urgent ones at once, standard ones in its next free time slot.' },
    },
    { name: 'topics', type: 'relationship', relationTo: 'topics', hasMany: true, admin: { description: 'Only items with one of these topics. None: every topic.' } },
    {
      name: 'schedule',
      type: 'group',
      admin: { description: 'When standard items are posted, in the account’s time zone.' },
      validate: (value: unknown) => {
        const schedule = (value ?? {}) as { timeZone?: string; slots?: { weekday?: string; time?: string }[] }
        return scheduleProblem({ timeZone: schedule.timeZone ?? '', slots: (schedule.slots ?? []).map((slot) => ({ weekday: Number(slot.weekday), time: slot.time ?? '' })) }) ?? true
      },
      fields: [
        { name: 'timeZone', type: 'text', required: true, defaultValue: 'Europe/London' },
        {
          name: 'slots',
          type: 'array',
          fields: [
            { name: 'weekday', type: 'select', required: true, options: WEEKDAYS },
            { name: 'time', type: 'text', required: true, admin: { description: 'HH:MM, 24-hour.' } },
          ],
        },
      ],
    },
  ],
}
