import type { CollectionConfig } from 'payload'

import { adminOrSelf } from '@/access/adminOrSelf'
import { isAdmin, isAdminField } from '@/access/isAdmin'
import { isStaff } from '@/access/isStaff'
import { ROLES } from '@/access/roles'
import { getEnv } from '@/lib/env'
import { sessionCookies } from '@/lib/http/session-policy'

import { firstUserIsAdmin } from './hooks/firstUserIsAdmin'
import { forgiveSuccessfulSignIn, limitSignInsPerAddress } from './hooks/limitSignInsPerAddress'

export const Users: CollectionConfig = {
  slug: 'users',
  auth: {
    maxLoginAttempts: 5,
    lockTime: 15 * 60 * 1000,
    cookies: sessionCookies(getEnv()),
  },
  admin: {
    useAsTitle: 'email',
    defaultColumns: ['name', 'email', 'role'],
  },
  access: {
    admin: isStaff,
    read: isStaff,
    create: isAdmin,
    update: adminOrSelf,
    delete: isAdmin,
  },
  hooks: {
    beforeOperation: [limitSignInsPerAddress],
    beforeChange: [firstUserIsAdmin],
    afterLogin: [forgiveSuccessfulSignIn],
  },
  fields: [
    { name: 'name', type: 'text' },
    {
      name: 'role',
      type: 'select',
      required: true,
      defaultValue: 'author',
      options: ROLES.map((role) => ({ label: role[0]!.toUpperCase() + role.slice(1), value: role })),
      saveToJWT: true,
      access: { create: isAdminField, update: isAdminField },
      admin: {
        description: 'Authors write drafts; editors publish; admins also manage accounts and settings.',
      },
    },
  ],
}
