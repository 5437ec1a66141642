import type { CollectionConfig } from 'payload'

import { canCreateContent } from './canCreateContent'
import { canDeleteContent } from './canDeleteContent'
import { canUpdateContent } from './canUpdateContent'
import { isStaff } from './isStaff'
import { publishedOrStaff } from './publishedOrStaff'

/** The rules shared by announcements and reports: what the public, authors, editors and admins may do. */
export const publishableContentAccess: CollectionConfig['access'] = {
  read: publishedOrStaff,
  readVersions: isStaff,
  create: canCreateContent,
  update: canUpdateContent,
  delete: canDeleteContent,
}
