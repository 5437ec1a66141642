import type { Where } from 'payload'

/** The items a user created that are not live: what an author may still change or throw away. */
export const ownUnpublished = (userId: number | string): Where => ({
  and: [{ createdBy: { equals: userId } }, { _status: { not_equals: 'published' } }],
})
