import type { CollectionAfterChangeHook, Field } from 'payload'

import { logger } from '@/lib/logger'
import type { Announcement } from '@/payload-types'
import { relationId } from '@/lib/relation-id'

/**
 * A statement that updates or cancels an earlier one: an update leaves the earlier statement up with a
 * notice pointing here; a cancellation withdraws it everywhere when this one is published.
 */
export const supersessionFields = (): Field[] => [
  {
    name: 'supersedes',
    type: 'relationship',
    relationTo: 'announcements',
    filterOptions: ({ id }) => (id ? { id: { not_equals: id } } : true),
    validate: (value: unknown, { id }: { id?: number | string }) => (value && id !== undefined && String(relationId(value as number)) === String(id) ? 'A statement cannot update or cancel itself.' : true),
    admin: { description: 'An earlier statement this one updates or cancels.' },
  },
  {
    name: 'supersession',
    type: 'select',
    defaultValue: 'update',
    options: [
      { label: 'Updates it: its page points here, and it stays up', value: 'update' },
      { label: 'Cancels it: it is withdrawn on every channel when this one is published', value: 'cancel' },
    ],
    admin: { condition: (data) => Boolean(data?.supersedes) },
  },
]

/**
 * When a cancellation goes live, the statement it cancels is withdrawn in the same transaction: its
 * retraction reaches every channel (feeds drop it, social posts waiting are cancelled and posted ones
 * deleted, its page says it was withdrawn), and neither change is visible without the other.
 */
export const withdrawCancelled: CollectionAfterChangeHook<Announcement> = async ({ doc, previousDoc, req }) => {
  if (doc._status !== 'published' || previousDoc?._status === 'published') return doc
  if (doc.supersession !== 'cancel' || !doc.supersedes) return doc
  const earlierId = relationId(doc.supersedes)!
  const earlier = await req.payload.findByID({ collection: 'announcements', id: earlierId, depth: 0, req, disableErrors: true })
  if (earlier?._status !== 'published') return doc
  await req.payload.update({ collection: 'announcements', id: earlierId, data: { _status: 'draft' }, req, depth: 0 })
  logger.info({ itemId: doc.id, cancelled: earlierId, userId: req.user?.id }, 'statement cancelled by a newer one')
  return doc
}
