import type { TextareaField } from 'payload'

import { cleanText } from './plain-text'

/** Short enough to stand alone in a social post or an email preview next to the title and a link. */
export const SUMMARY_MAX_LENGTH = 280

export const summaryField = (): TextareaField => ({
  name: 'summary',
  type: 'textarea',
  required: true,
  maxLength: SUMMARY_MAX_LENGTH,
  hooks: { beforeValidate: [cleanText('many')] },
  admin: { description: `Plain text, at most ${SUMMARY_MAX_LENGTH} characters: used in feeds, emails and social posts.` },
})
