import type { CollectionConfig } from 'payload'

import { filesOfPublishedReports, hideRefusedFiles } from '@/access/embargo'
import { isEditor } from '@/access/isEditor'
import { isStaff } from '@/access/isStaff'
import { limitFileSize } from '@/hooks/limitFileSize'
import { uploadsDir } from '@/lib/paths'

/** Report PDFs: served as downloads and as feed enclosures, so their type and size are checked. */
export const Documents: CollectionConfig = {
  slug: 'documents',
  admin: { useAsTitle: 'title' },
  access: {
    read: filesOfPublishedReports,
    create: isStaff,
    update: isStaff,
    delete: isEditor,
  },
  hooks: {
    afterError: [hideRefusedFiles],
    beforeOperation: [limitFileSize(50 * 1024 * 1024, 'a PDF')],
  },
  upload: {
    staticDir: uploadsDir('documents'),
    mimeTypes: ['application/pdf'],
  },
  fields: [
    {
      name: 'title',
      type: 'text',
      required: true,
      admin: { description: 'Shown next to the download link.' },
    },
  ],
}
