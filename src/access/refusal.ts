import type { PayloadRequest } from 'payload'

import { hasRole, type Role } from '@/access/roles'

/**
 * The answer for someone who may not use a staff endpoint: 401 when nobody is signed in, 403 for a
 * signed-in user without one of `roles`; undefined when they may.
 */
export function refusalUnless(req: Pick<PayloadRequest, 'user'>, roles: Role[], message: string): Response | undefined {
  if (hasRole(req.user as { role?: Role } | null, ...roles)) return undefined
  return Response.json({ message }, { status: req.user ? 403 : 401 })
}
