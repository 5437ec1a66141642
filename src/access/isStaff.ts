import type { PayloadRequest } from 'payload'

/** Any signed-in user: authors, editors and admins. Also the admin panel's gate, which wants a boolean. */
export const isStaff = ({ req: { user } }: { req: PayloadRequest }): boolean => Boolean(user)
