import type { Payload } from 'payload'

import type { SocialPostState } from '@/channels/social/post-states'
import { requestJobSync } from '@/collections/JobOutbox/request-job-sync'
import { INTERRUPTED_MESSAGE, type UnitOutcome } from '@/delivery/deliver-unit'
import type { DeliveryError } from '@/delivery/errors'
import { CANCELLABLE_FROM } from '@/delivery/ledger'
import { compareAndSetState, type StateColumn } from '@/lib/compare-and-set'
import { compareAndSetDelivery } from '@/lib/ledger-store'
import { relationId } from '@/lib/relation-id'
import type { Delivery, SocialPost } from '@/payload-types'

/*
 * A social post's state follows its ledger unit, and every change that moves one with the other is
 * here: cancelling, an attempt's outcome, a failure, a deletion.
 */

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

/** The post follows its ledger unit once an attempt is recorded: posted with where it is, still in doubt, or cancelled meanwhile. */
export async function followLedgerOutcome(payload: Payload, post: SocialPost, row: Delivery, outcome: UnitOutcome, receipt: { remoteId: string; url?: string } | undefined) {
  if (outcome === 'sent') {
    await compareAndSetPost(payload, post.id, ['posting', 'scheduled'], 'posted', { remoteId: receipt!.remoteId, remoteUrl: receipt!.url ?? null, postedAt: new Date(), lastError: null })
  } else if (outcome === 'already-sent') {
    // The ledger recorded it sent but the worker stopped before the post did: the ledger's detail has its address.
    await compareAndSetPost(payload, post.id, ['posting', 'scheduled'], 'posted', { remoteUrl: row.detail ?? null, postedAt: new Date(), lastError: null })
  } else if (outcome === 'held-in-doubt') {
    await compareAndSetPost(payload, post.id, ['posting'], 'posting', { lastError: `${INTERRUPTED_MESSAGE} Check the account, then use Send again or Mark as sent on the item's Distribution panel.` })
  } else if (outcome === 'cancelled') {
    await compareAndSetPost(payload, post.id, ['scheduled', 'posting'], 'cancelled')
  }
}

/**
 * A failed attempt, on both records: the ledger unit if the attempt failed before claiming it (a
 * missing credential), and the post, with the reason staff see: failed for good when `final`, due
 * again otherwise; a deletion that failed leaves the post out there, saying why.
 */
export async function recordPostFailure(payload: Payload, post: SocialPost, row: Delivery, failure: DeliveryError, outcome: { note: string; final: boolean; removal: boolean }): Promise<void> {
  await compareAndSetDelivery(payload, row.id, ['pending'], 'failed', { lastError: failure.message })
  if (outcome.removal) await compareAndSetPost(payload, post.id, ['posted'], 'posted', { lastError: `Could not delete it from the network: ${outcome.note}` })
  else await compareAndSetPost(payload, post.id, ['posting', 'scheduled'], outcome.final ? 'failed' : 'scheduled', { lastError: outcome.note })
}

/** A posted post removed from its network, its deletion unit recorded sent. */
export async function recordPostDeleted(payload: Payload, post: SocialPost): Promise<void> {
  await compareAndSetPost(payload, post.id, ['posted'], 'deleted', { deletedAt: new Date(), lastError: null })
}
