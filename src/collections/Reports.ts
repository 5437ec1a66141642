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

export const Reports: CollectionConfig = {
  slug: 'reports',
  admin: {
    useAsTitle: 'title',
    defaultColumns: ['title', '_status', 'publishedAt'],
  },
  versions: {
    drafts: true,
    maxPerDoc: 100,
  },
  access: publishableContentAccess,
  hooks: {
    beforeChange: [refusePastLaunch, rememberLiveState],
    afterChange: [recordPublicationEvent, followLaunchSchedule],
  },
  fields: [
    { name: 'title', type: 'text', required: true, maxLength: 200, hooks: { beforeValidate: [cleanText('one')] } },
    frozenSlugField(),
    summaryField(),
    { name: 'body', type: 'richText', required: true },
    {
      name: 'reportFile',
      type: 'upload',
      relationTo: 'documents',
      required: true,
      admin: { description: 'The report itself, as a PDF.' },
    },
    { name: 'coverImage', type: 'upload', relationTo: 'media' },
    topicsField(),
    publishAtField(),
    publishedAtField(),
    feedGuidField(),
    notifySubscribersField(),
    createdByField(),
    distributionField(),
  ],
}
