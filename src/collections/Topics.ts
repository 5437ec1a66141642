import type { CollectionConfig } from 'payload'

import { anyone } from '@/access/anyone'
import { isEditor } from '@/access/isEditor'
import { generatedSlugField } from '@/fields/slug'
import { cleanText } from '@/fields/plain-text'

export const Topics: CollectionConfig = {
  slug: 'topics',
  admin: { useAsTitle: 'name' },
  access: {
    read: anyone,
    create: isEditor,
    update: isEditor,
    delete: isEditor,
  },
  fields: [
    { name: 'name', type: 'text', required: true, hooks: { beforeValidate: [cleanText('one')] } },
    generatedSlugField('name'),
    { name: 'description', type: 'textarea' },
  ],
}
