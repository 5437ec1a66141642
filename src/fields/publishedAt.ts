import type { DateField, FieldHook } from 'payload'

/**
 * Stamped on the first publish and kept afterwards, so corrections do not move an item up the feeds
 * and "first published" is always known (the slug freezes on it).
 */
const stampOnFirstPublish: FieldHook = ({ value, originalDoc, siblingData }) => {
  if (value) return value
  if (originalDoc?.publishedAt) return originalDoc.publishedAt
  if (siblingData?._status === 'published') return new Date().toISOString()
  return value
}

export const publishedAtField = (): DateField => ({
  name: 'publishedAt',
  type: 'date',
  index: true,
  admin: {
    position: 'sidebar',
    readOnly: true,
    description: 'Set when the item is first published.',
    date: { pickerAppearance: 'dayAndTime' },
  },
  hooks: { beforeChange: [stampOnFirstPublish] },
})
