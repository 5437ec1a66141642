import type { Access } from 'payload'

import { ownUnpublished } from './ownUnpublished'
import { hasRole } from './roles'

/** Editors and admins delete any item; authors only their own unpublished drafts. */
export const canDeleteContent: Access = ({ req: { user } }) => {
  if (hasRole(user, 'editor', 'admin')) return true
  if (!user || !hasRole(user, 'author')) return false
  return ownUnpublished(user.id)
}
