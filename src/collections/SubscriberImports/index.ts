import type { CollectionConfig } from 'payload'

import { isAdmin } from '@/access/isAdmin'
import { isEditor } from '@/access/isEditor'
import { nobody } from '@/access/nobody'
import { limitFileSize } from '@/hooks/limitFileSize'

import { linkImported, runImport } from './runImport'

/**
 * Imports of an existing list (a CSV file from a spreadsheet or another mailing system). Each record
 * is what was imported, on whose say-so and with what consent, and the report: what was added, what
 * was already there, and every rejected row with its line and reason. The file itself is not kept.
 */
export const SubscriberImports: CollectionConfig = {
  slug: 'subscriber-imports',
  labels: { singular: 'Subscriber import', plural: 'Subscriber imports' },
  admin: {
    group: 'Subscribers',
    useAsTitle: 'filename',
    defaultColumns: ['filename', 'consentSource', 'createdAt'],
    description:
      'Upload a CSV file with a header row: an "email" column, and optionally "topics" (topic slugs separated by ;), "urgent_only" (yes/no) and "consented_at" (the date the person agreed). Every row is checked; the report below lists the rows that were not imported and why.',
  },
  access: { read: isEditor, create: isAdmin, update: nobody, delete: isAdmin },
  upload: {
    disableLocalStorage: true,
    mimeTypes: ['text/csv', 'text/plain', 'application/vnd.ms-excel'],
  },
  hooks: {
    beforeOperation: [limitFileSize(20 * 1024 * 1024, 'a subscriber list')],
    beforeChange: [runImport],
    afterChange: [linkImported],
  },
  fields: [
    {
      name: 'consentSource',
      type: 'text',
      required: true,
      maxLength: 500,
      admin: { description: 'Where and how these people agreed to receive alerts, e.g. "Sign-up sheets at the 2026 annual forum". Kept as their consent record.' },
    },
    { name: 'wordingVersion', type: 'text', maxLength: 100, admin: { description: 'Optional: which version of the sign-up wording they agreed to.' } },
    {
      name: 'sendConfirmation',
      type: 'checkbox',
      defaultValue: false,
      admin: {
        description:
          'Ask each new person to confirm by email: they are added as pending, get one confirmation link, and receive alerts only after clicking it. Leave unticked for a list whose consent you hold: they are added as confirmed and get no email.',
      },
    },
    { name: 'topics', type: 'relationship', relationTo: 'topics', hasMany: true, admin: { description: 'Topics for rows without a "topics" value. None: every topic.' } },
    { name: 'importedBy', type: 'relationship', relationTo: 'users', admin: { readOnly: true } },
    {
      name: 'report',
      type: 'group',
      admin: { readOnly: true, condition: (data) => Boolean(data?.report?.summary) },
      fields: [
        { name: 'summary', type: 'text' },
        {
          type: 'row',
          fields: [
            { name: 'rowsRead', type: 'number' },
            { name: 'added', type: 'number' },
            { name: 'alreadySubscribed', type: 'number' },
            { name: 'rejected', type: 'number' },
          ],
        },
        { name: 'ignoredColumns', type: 'text', admin: { description: 'Columns in the file that the import does not use.' } },
        { name: 'rejectedRows', type: 'json', admin: { description: 'Each rejected row: its line in the file, the address and the reason (the first 1,000).' } },
      ],
    },
  ],
}
