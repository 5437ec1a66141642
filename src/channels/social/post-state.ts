import type { Payload } from 'payload'

import { requestJobSync } from '@/collections/JobOutbox/request-job-sync'
import { CANCELLABLE_FROM } from '@/delivery/ledger'
import type { SocialPostState } from '@/channels/social/post-states'
import { compareAndSetState, type StateColumn } from '@/lib/compare-and-set'
import { compareAndSetDelivery } from '@/lib/ledger-store'
import type { SocialPost } from '@/payload-types'
import { relationId } from '@/lib/relation-id'


export type PostPatch = {
  lastError?: string | null
  remoteId?: string
  remoteUrl?: string | null
  postedAt?: Date
  deletedAt?: Date
  scheduledAt?: Date
}

const columns: Record<keyof PostPatch, string> = {
  lastError: 'last_error',
  remoteId: 'remote_id',
  remoteUrl: 'remote_url',
  postedAt: 'posted_at',
  deletedAt: 'deleted_at',
  scheduledAt: 'scheduled_at',
}

const SOCIAL_POSTS = { collection: 'social-posts', table: 'social_posts' } as const

/** Moves a post to `to` only from one of `from`, atomically, as the ledger's units move. */
export async function compareAndSetPost(payload: Payload, id: number | string, from: SocialPostState[], to: SocialPostState, patch: PostPatch = {}): Promise<boolean> {
  const set: StateColumn[] = (Object.keys(columns) as (keyof PostPatch)[])
    .filter((field) => patch[field] !== undefined)
    .map((field) => ({ column: columns[field], field, value: patch[field]! }))
  return compareAndSetState(payload, SOCIAL_POSTS, id, from, to, set)
}

/**
 * Cancels a post that has not gone out: the post, then its ledger unit (so the ledger never shows a
 * unit waiting for a post that will not come), then asks the relay to take its job out of its queue.
 * Says whether it was cancelled; false when it is posting or already done. A job that runs before it
 * is removed finds the post cancelled and does nothing.
 */
export async function cancelPost(payload: Payload, post: SocialPost, reason: string): Promise<boolean> {
  if (!(await compareAndSetPost(payload, post.id, ['scheduled', 'failed'], 'cancelled', { lastError: reason }))) return false
  await compareAndSetDelivery(payload, relationId(post.delivery)!, CANCELLABLE_FROM, 'cancelled', { detail: reason })
  await requestJobSync(payload, { kind: 'social-post', collection: 'social-posts', id: post.id })
  return true
}
