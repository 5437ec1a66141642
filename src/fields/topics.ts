import type { RelationshipField } from 'payload'

export const topicsField = (): RelationshipField => ({
  name: 'topics',
  type: 'relationship',
  relationTo: 'topics',
  hasMany: true,
  index: true,
  admin: { position: 'sidebar' },
})
