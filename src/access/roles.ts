export const ROLES = ['admin', 'editor', 'author'] as const
export type Role = (typeof ROLES)[number]

type MaybeStaff = { role?: Role | null } | null | undefined

/** True when the signed-in user holds one of the roles. Anonymous requests hold none. */
export const hasRole = (user: MaybeStaff, ...roles: Role[]): boolean =>
  Boolean(user?.role && roles.includes(user.role))
