import { APIError, ValidationError, type CollectionAfterChangeHook, type CollectionBeforeChangeHook } from 'payload'

import type { PublishableCollection } from '@/domain/events'
import { timeHasPassed } from '@/domain/time-passed'
import { jobOptions } from '@/jobs/options'
import { LAUNCH_QUEUE } from '@/jobs/queues'
import { appQueue } from '@/lib/app-queue'
import { getEnv } from '@/lib/env'
import { cancelLaunchJob, scheduleLaunchJob } from '@/launches/queue'
import { logger } from '@/lib/logger'

/** The launch itself publishes through the Local API with this in its context. */
export const LAUNCH_CONTEXT_KEY = 'scheduledLaunch'

/** A draft saved with a launch time that has passed is refused: publish it now, or choose a later time. */
export const refusePastLaunch: CollectionBeforeChangeHook = ({ data, originalDoc, collection, req, context }) => {
  if (context[LAUNCH_CONTEXT_KEY] || data._status === 'published' || !data.publishAt) return data
  const changed = data.publishAt !== originalDoc?.publishAt
  if (changed && timeHasPassed(String(data.publishAt))) {
    throw new ValidationError({ collection: collection.slug, errors: [{ path: 'publishAt', message: 'That time has passed: choose a later one, or publish now.' }] }, req.t)
  }
  return data
}

/**
 * The launch job follows the draft: a scheduled time adds or moves it, a cleared one (or a publish by
 * hand) removes it. This runs inside the save's transaction, so if the queue cannot be reached the
 * save is undone rather than leaving a launch time with no job behind it.
 */
export const followLaunchSchedule: CollectionAfterChangeHook = async ({ doc, previousDoc, collection, req, context }) => {
  if (context[LAUNCH_CONTEXT_KEY]) return doc
  const scheduled = doc._status === 'draft' && doc.publishAt ? String(doc.publishAt) : undefined
  const wasScheduled = previousDoc?._status === 'draft' && previousDoc?.publishAt ? String(previousDoc.publishAt) : undefined
  if (scheduled === wasScheduled && !scheduled) return doc
  const env = getEnv()
  try {
    const queue = await appQueue(req.payload, LAUNCH_QUEUE)
    if (scheduled) {
      await scheduleLaunchJob(queue, { collection: collection.slug as PublishableCollection, itemId: String(doc.id), publishAt: scheduled }, jobOptions(env))
    } else {
      await cancelLaunchJob(queue, collection.slug, doc.id)
    }
  } catch (error) {
    logger.error({ collection: collection.slug, itemId: doc.id, err: error instanceof Error ? error.message : String(error) }, 'launch: the queue could not be reached')
    throw new APIError('The launch queue cannot be reached just now, so the schedule was not saved. Try again in a moment.', 503, undefined, true)
  }
  if (scheduled !== wasScheduled) logger.info({ collection: collection.slug, itemId: doc.id, publishAt: scheduled ?? null, userId: req.user?.id }, scheduled ? 'launch scheduled' : 'launch cancelled')
  return doc
}
