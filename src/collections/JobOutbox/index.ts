import type { CollectionConfig } from 'payload'

import { isEditor } from '@/access/isEditor'
import { nobody } from '@/access/nobody'
import { JOB_TARGETS } from '@/jobs/job-targets'

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
