import type { CollectionConfig } from 'payload'

import { publishableContentAccess } from '@/access/publishableContent'
import { createdByField } from '@/fields/createdBy'
import { distributionField } from '@/fields/distribution'
import { feedGuidField } from '@/fields/feedGuid'
import { notifySubscribersField } from '@/fields/notifySubscribers'
import { publishAtField } from '@/fields/publishAt'
import { publishedAtField } from '@/fields/publishedAt'
import { frozenSlugField } from '@/fields/slug'
import { summaryField } from '@/fields/summary'
import { topicsField } from '@/fields/topics'
import { recordPublicationEvent, rememberLiveState } from '@/hooks/recordPublicationEvent'
import { followLaunchSchedule, refusePastLaunch } from '@/hooks/scheduleLaunch'
import { cleanText } from '@/fields/plain-text'

import { expiresAfterPublication } from './expiresAfterPublication'
import { supersessionFields, withdrawCancelled } from './supersession'

export const Announcements: CollectionConfig = {
  slug: 'announcements',
  admin: {
    useAsTitle: 'title',
    defaultColumns: ['title', 'urgency', '_status', 'publishedAt'],
  },
  versions: {
    drafts: true,
    maxPerDoc: 100,
  },
  access: publishableContentAccess,
  hooks: {
    beforeChange: [refusePastLaunch, rememberLiveState],
    afterChange: [recordPublicationEvent, withdrawCancelled, followLaunchSchedule],
  },
  fields: [
    { name: 'title', type: 'text', required: true, maxLength: 200, hooks: { beforeValidate: [cleanText('one')] } },
    frozenSlugField(),
    summaryField(),
    { name: 'body', type: 'richText', required: true },
    {
      name: 'urgency',
      type: 'select',
      required: true,
      defaultValue: 'standard',
      options: [
        { label: 'Urgent: goes out at once, on every channel', value: 'urgent' },
        { label: 'Standard', value: 'standard' },
      ],
      admin: { position: 'sidebar' },
    },
    topicsField(),
    { name: 'heroImage', type: 'upload', relationTo: 'media' },
    {
      name: 'relatedReport',
      type: 'relationship',
      relationTo: 'reports',
      admin: { description: 'The report this statement launches or refers to.' },
    },
    ...supersessionFields(),
    {
      name: 'channels',
      type: 'group',
      admin: { position: 'sidebar', description: 'Where publishing sends this announcement.' },
      fields: [
        { name: 'feed', type: 'checkbox', defaultValue: true, label: 'Feeds (RSS, Atom, JSON)' },
        { name: 'email', type: 'checkbox', defaultValue: true, label: 'Email subscribers' },
        { name: 'social', type: 'checkbox', defaultValue: true, label: 'Social accounts' },
      ],
    },
    publishAtField(),
    publishedAtField(),
    feedGuidField(),
    notifySubscribersField(),
    {
      name: 'expiresAt',
      type: 'date',
      validate: expiresAfterPublication,
      admin: {
        position: 'sidebar',
        description: 'Optional: when this stops being current (an urgent banner comes down then).',
        date: { pickerAppearance: 'dayAndTime' },
      },
    },
    createdByField(),
    distributionField(),
  ],
}
