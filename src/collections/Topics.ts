import type { CollectionConfig } from 'payload'

import { anyone } from '@/access/anyone'
import { isEditor } from '@/access/isEditor'
import { generatedSlugField } from '@/fields/slug'

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
    { name: 'name', type: 'text', required: true },
    generatedSlugField('name'),
    { name: 'description', type: 'textarea' },
  ],
}
