import type { FieldHook, RelationshipField } from 'payload'

const setOnCreate: FieldHook = ({ operation, req, value }) => {
  if (operation === 'create' && req.user) return req.user.id
  return value
}

/** Who wrote the item: set by the server on create, never by the request, and the key to authors' access. */
export const createdByField = (): RelationshipField => ({
  name: 'createdBy',
  type: 'relationship',
  relationTo: 'users',
  index: true,
  // Staff see who wrote an item; the public API does not expose account ids.
  access: { read: ({ req }) => Boolean(req.user), create: () => false, update: () => false },
  admin: { position: 'sidebar', readOnly: true },
  hooks: { beforeChange: [setOnCreate] },
})
