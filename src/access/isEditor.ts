import type { Access } from 'payload'

import { hasRole } from './roles'

/** Editors and admins: the people who publish. */
export const isEditor: Access = ({ req: { user } }) => hasRole(user, 'editor', 'admin')
