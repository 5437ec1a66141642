import type { Access } from 'payload'

import { hasRole } from './roles'

/** Staff create items; only editors and admins may create one already published. */
export const canCreateContent: Access = ({ req: { user }, data }) => {
  if (hasRole(user, 'editor', 'admin')) return true
  if (!hasRole(user, 'author')) return false
  return data?._status !== 'published'
}
