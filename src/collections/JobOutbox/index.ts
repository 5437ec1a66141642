import type { CollectionConfig } from 'payload'

import { isEditor } from '@/access/isEditor'
import { nobody } from '@/access/nobody'

/** What a queue change is about: a draft's scheduled launch, or a social post waiting for its time. */
export const JOB_TARGETS = ['launch', 'social-post'] as const
export type JobTarget = (typeof JOB_TARGETS)[number]

/**
 * The outbox of staff changes to what waits in the queues: a launch time set, moved or cleared, a
 * social post edited, cancelled or sent now. Written in the same transaction as the change, so a
 * save never touches Redis and succeeds while it is down; the worker's relay then brings the target's
 * job in line with the database (adds, moves or removes it) and marks the row dispatched.
 */
export const JobOutbox: CollectionConfig = {
  slug: 'job-outbox',
  labels: { singular: 'Queue change', plural: 'Queue changes' },
  admin: { group: 'Delivery', hidden: true },
  access: { read: isEditor, create: nobody, update: nobody, delete: nobody },
  fields: [
    { name: 'target', type: 'select', required: true, options: [...JOB_TARGETS] },
    { name: 'targetCollection', type: 'text', required: true },
    { name: 'targetId', type: 'text', required: true },
    { name: 'dispatchedAt', type: 'date', index: true, admin: { description: 'When the relay brought the job in line.' } },
  ],
}
