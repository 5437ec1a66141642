import type { Access } from 'payload'

/** The public sees published items only; staff see drafts too. */
export const publishedOrStaff: Access = ({ req: { user } }) => {
  if (user) return true
  return { _status: { equals: 'published' } }
}
