import type { CollectionConfig } from 'payload'

import { imagesOutsideEmbargo, hideRefusedFiles } from '@/access/embargo'
import { isEditor } from '@/access/isEditor'
import { isStaff } from '@/access/isStaff'
import { limitFileSize } from '@/hooks/limitFileSize'
import { uploadsDir } from '@/lib/paths'

export const Media: CollectionConfig = {
  slug: 'media',
  admin: { useAsTitle: 'alt' },
  access: {
    read: imagesOutsideEmbargo,
    create: isStaff,
    update: isStaff,
    delete: isEditor,
  },
  hooks: {
    afterError: [hideRefusedFiles],
    beforeOperation: [limitFileSize(10 * 1024 * 1024, 'an image')],
  },
  upload: {
    staticDir: uploadsDir('media'),
    mimeTypes: ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif'],
    focalPoint: true,
    imageSizes: [
      { name: 'card', width: 1200, height: 630, position: 'centre' },
      { name: 'thumbnail', width: 400 },
    ],
  },
  fields: [
    {
      name: 'alt',
      type: 'text',
      required: true,
      admin: { description: 'What the image shows, for people who cannot see it.' },
    },
  ],
}
