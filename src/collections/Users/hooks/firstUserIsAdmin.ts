import type { CollectionBeforeChangeHook } from 'payload'

import type { User } from '@/payload-types'

/** The account created on an empty install (the admin's "create first user" screen) must be able to manage the rest. */
export const firstUserIsAdmin: CollectionBeforeChangeHook<User> = async ({ data, operation, req }) => {
  if (operation !== 'create') return data
  const { totalDocs } = await req.payload.count({ collection: 'users', req, overrideAccess: true })
  return totalDocs === 0 ? { ...data, role: 'admin' } : data
}
