import { APIError, ValidationError, type CollectionAfterChangeHook, type CollectionBeforeChangeHook } from 'payload'

import { EDITABLE_POST_STATES, type SocialPostState } from '@/channels/social/post-states'
import { requestJobSync } from '@/collections/JobOutbox/request-job-sync'
import { timeHasPassed } from '@/domain/time-passed'
import { logger } from '@/lib/logger'
import type { SocialPost } from '@/payload-types'

/** What staff may change on a post; the rest is the system's record of it. */
const STAFF_FIELDS = ['text', 'scheduledAt'] as const

/**
 * A staff edit of a post that still waits: only its text and time change; edited text is kept from
 * then on (an update of the item no longer rewrites it); a time in the past is refused; saving a
 * failed post schedules it again (at its new time, or now).
 */
export const followStaffEdit: CollectionBeforeChangeHook<SocialPost> = ({ operation, data, originalDoc, req, collection }) => {
  if (operation !== 'update' || !req.user || !originalDoc) return data
  if (!EDITABLE_POST_STATES.includes(originalDoc.state)) {
    throw new APIError(`This post is ${originalDoc.state}: it can no longer be changed.`, 409, undefined, true)
  }
  const edited: Partial<SocialPost> = { ...originalDoc }
  for (const field of STAFF_FIELDS) if (data[field] !== undefined) Object.assign(edited, { [field]: data[field] })
  if (edited.text !== originalDoc.text) edited.textEdited = true

  const now = Date.now()
  const moved = edited.scheduledAt !== originalDoc.scheduledAt
  if (moved && timeHasPassed(edited.scheduledAt!, now)) {
    throw new ValidationError(
      { collection: collection.slug, errors: [{ path: 'scheduledAt', message: 'That time has passed: choose a later one, or use "Post now".' }] },
      req.t,
    )
  }
  if (originalDoc.state === 'failed') {
    edited.state = 'scheduled' satisfies SocialPostState
    if (Date.parse(edited.scheduledAt!) < now) edited.scheduledAt = new Date(now).toISOString()
  }
  return edited
}

/**
 * The post's queued job follows the edit: the change is written to the job outbox in the save's
 * transaction and the worker's relay moves the job, so the post never says one time while its job
 * waits for another, and a save never waits for Redis.
 */
export const moveJobAfterEdit: CollectionAfterChangeHook<SocialPost> = async ({ operation, doc, previousDoc, req }) => {
  if (operation !== 'update' || !req.user || doc.state !== 'scheduled') return doc
  if (doc.scheduledAt === previousDoc.scheduledAt && previousDoc.state === 'scheduled') return doc
  await requestJobSync(req.payload, { kind: 'social-post', collection: 'social-posts', id: doc.id }, req)
  logger.info({ postId: doc.id, userId: req.user.id, scheduledAt: doc.scheduledAt }, 'social post rescheduled by staff')
  return doc
}
