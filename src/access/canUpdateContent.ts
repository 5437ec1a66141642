import type { Access } from 'payload'

import { ownUnpublished } from './ownUnpublished'
import { hasRole } from './roles'

/**
 * Editors and admins edit, publish and unpublish any item. Authors edit their own items while they
 * are unpublished, and can never publish one: once an item is live, changes to it are an editor's.
 */
export const canUpdateContent: Access = ({ req: { user }, data }) => {
  if (hasRole(user, 'editor', 'admin')) return true
  if (!user || !hasRole(user, 'author') || data?._status === 'published') return false
  return ownUnpublished(user.id)
}
