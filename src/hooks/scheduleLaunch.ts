import { ValidationError, type CollectionAfterChangeHook, type CollectionBeforeChangeHook } from 'payload'

import { requestJobSync } from '@/collections/JobOutbox/request-job-sync'
import { timeHasPassed } from '@/domain/time-passed'
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
 * hand) removes it. The change is written to the job outbox in the save's transaction, and the
 * worker's relay moves the job: a save never waits for Redis, and succeeds while it is down.
 */
export const followLaunchSchedule: CollectionAfterChangeHook = async ({ doc, previousDoc, collection, req, context }) => {
  if (context[LAUNCH_CONTEXT_KEY]) return doc
  const scheduled = doc._status === 'draft' && doc.publishAt ? String(doc.publishAt) : undefined
  const wasScheduled = previousDoc?._status === 'draft' && previousDoc?.publishAt ? String(previousDoc.publishAt) : undefined
  if (scheduled === wasScheduled && !scheduled) return doc
  await requestJobSync(req.payload, { kind: 'launch', collection: collection.slug, id: doc.id }, req)
  if (scheduled !== wasScheduled) logger.info({ collection: collection.slug, itemId: doc.id, publishAt: scheduled ?? null, userId: req.user?.id }, scheduled ? 'launch scheduled' : 'launch cancelled')
  return doc
}
