import { APIError, ValidationError, type CollectionAfterChangeHook, type CollectionBeforeChangeHook } from 'payload'

import { EDITABLE_POST_STATES, type SocialPostState } from '@/channels/social/post-states'
import { timeHasPassed } from '@/domain/time-passed'
import { jobOptions } from '@/jobs/options'
import { socialQueueName } from '@/jobs/queues'
import { appQueue } from '@/lib/app-queue'
import { getEnv } from '@/lib/env'
import { logger } from '@/lib/logger'
import { postJobFields, schedulePostJob } from '@/channels/social/post-queue'
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
 * The post's queued job follows the edit. If the queue cannot be reached the save is undone (this
 * runs inside its transaction), so the post never says one time while its job waits for another.
 */
export const moveJobAfterEdit: CollectionAfterChangeHook<SocialPost> = async ({ operation, doc, previousDoc, req }) => {
  if (operation !== 'update' || !req.user || doc.state !== 'scheduled') return doc
  if (doc.scheduledAt === previousDoc.scheduledAt && previousDoc.state === 'scheduled') return doc
  const env = getEnv()
  try {
    await schedulePostJob(await appQueue(req.payload, socialQueueName(doc.network)), postJobFields(doc), jobOptions(env))
  } catch (error) {
    logger.error({ postId: doc.id, err: error instanceof Error ? error.message : String(error) }, 'social post: could not move its job')
    throw new APIError('The post queue cannot be reached just now, so the change was not saved. Try again in a moment.', 503, undefined, true)
  }
  logger.info({ postId: doc.id, userId: req.user.id, scheduledAt: doc.scheduledAt }, 'social post rescheduled by staff')
  return doc
}
