import type { CollectionConfig } from 'payload'

import { isEditor } from '@/access/isEditor'
import { isStaff } from '@/access/isStaff'
import { nobody } from '@/access/nobody'
import { PUBLISHABLE_COLLECTIONS, URGENCIES } from '@/domain/events'
import { checkPostText, SOCIAL_NETWORKS, type SocialNetwork } from '@/channels/social/fit-post'
import { SOCIAL_POST_KINDS, SOCIAL_POST_STATES } from '@/channels/social/post-states'

import { socialPostEndpoints } from '@/channels/social/staff-actions'
import { followStaffEdit, moveJobAfterEdit } from '@/channels/social/staff-edits'

const readOnly = { readOnly: true }

/** Staff-written text must fit the network, counted as the network counts. */
const fitsNetwork = (value: string | null | undefined, { data }: { data: Partial<{ network: SocialNetwork }> }) => {
  if (!value?.trim()) return 'A post needs text.'
  if (!data.network) return true
  const { length, limit, fits } = checkPostText(data.network, value)
  return fits || `This is ${length} characters as ${data.network} counts them; the limit is ${limit}.`
}

/**
 * One post per item version and account, created by the social channel when an item is published
 * (and a reply when a correction is announced). Staff read it, edit its text and time, cancel it or
 * post it now while it waits; the post queues do the rest and record what the network answered.
 */
export const SocialPosts: CollectionConfig = {
  slug: 'social-posts',
  labels: { singular: 'Social post', plural: 'Social posts' },
  admin: {
    group: 'Delivery',
    useAsTitle: 'text',
    defaultColumns: ['text', 'account', 'scheduledAt', 'state', 'lastError'],
    description: 'Posts waiting for their time, and what each network answered. Edit the text or time, cancel, or post now while a post waits.',
  },
  access: { read: isStaff, create: nobody, update: isEditor, delete: nobody },
  endpoints: socialPostEndpoints,
  hooks: { beforeChange: [followStaffEdit], afterChange: [moveJobAfterEdit] },
  fields: [
    {
      type: 'ui',
      name: 'postActions',
      admin: { position: 'sidebar', components: { Field: '@/components/SocialPostActions#SocialPostActions' } },
    },
    { name: 'text', type: 'textarea', required: true, validate: fitsNetwork, admin: { description: 'Counted as the network counts: Mastodon 500 characters (a link counts 23), Bluesky 300.' } },
    {
      name: 'scheduledAt',
      type: 'date',
      required: true,
      index: true,
      admin: { position: 'sidebar', date: { pickerAppearance: 'dayAndTime' }, description: 'When it goes out. Urgent items: at once; standard ones: the account’s next free slot.' },
    },
    { name: 'state', type: 'select', required: true, defaultValue: 'scheduled', index: true, options: [...SOCIAL_POST_STATES], admin: { position: 'sidebar', ...readOnly } },
    { name: 'lastError', type: 'textarea', admin: { ...readOnly, description: 'What the network answered when it last refused or failed.' } },
    { name: 'remoteUrl', type: 'text', admin: { ...readOnly, description: 'The post on the network.' } },
    // Not required: a post outlives its account, whose deletion leaves the post's history in place.
    { name: 'account', type: 'relationship', relationTo: 'accounts', index: true, admin: readOnly },
    { name: 'network', type: 'select', required: true, options: [...SOCIAL_NETWORKS], admin: readOnly },
    { name: 'kind', type: 'select', required: true, defaultValue: 'statement', options: [...SOCIAL_POST_KINDS], admin: readOnly },
    { name: 'replyTo', type: 'relationship', relationTo: 'social-posts', admin: { ...readOnly, description: 'The post this correction answers.' } },
    { name: 'collection', type: 'select', required: true, options: [...PUBLISHABLE_COLLECTIONS], admin: readOnly },
    { name: 'itemId', type: 'text', required: true, index: true, admin: readOnly },
    { name: 'urgency', type: 'select', required: true, options: [...URGENCIES], admin: readOnly },
    { name: 'event', type: 'relationship', relationTo: 'outbox-events', required: true, admin: readOnly },
    { name: 'delivery', type: 'relationship', relationTo: 'deliveries', required: true, admin: { ...readOnly, description: 'Its unit in the delivery ledger.' } },
    { name: 'unitKey', type: 'text', required: true, unique: true, admin: { ...readOnly, description: 'Also the idempotency key the network sees on every attempt.' } },
    { name: 'link', type: 'text', required: true, admin: readOnly },
    { name: 'cardTitle', type: 'text', admin: readOnly },
    { name: 'cardDescription', type: 'textarea', admin: readOnly },
    { name: 'recordKey', type: 'text', admin: { ...readOnly, description: 'Bluesky: the record key chosen when the post was planned.' } },
    { name: 'textEdited', type: 'checkbox', defaultValue: false, admin: { hidden: true } },
    { name: 'remoteId', type: 'text', admin: readOnly },
    { name: 'postedAt', type: 'date', admin: readOnly },
    { name: 'deletedAt', type: 'date', admin: { ...readOnly, description: 'When a retraction removed it from the network.' } },
  ],
}
