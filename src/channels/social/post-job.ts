import { DelayedError, UnrecoverableError, type Job } from 'bullmq'
import type { Payload } from 'payload'

import { DeliveryError } from '@/delivery/errors'
import type { Urgency } from '@/domain/events'
import type { InDoubtPolicy } from '@/delivery/ledger'
import type { OutgoingPost, SocialAccountAccess, SocialPoster } from './poster'
import type { SocialNetwork } from './fit-post'
import { credentialsKey, unseal } from '@/lib/credential-seal'
import { databaseLedger } from '@/lib/ledger-store'
import type { Env } from '@/lib/env'
import { publishToFirstDelivery } from '@/ops/metrics'
import type { AccountRateLimits } from './account-rate-limits'
import type { SocialJob } from './post-queue'
import { compareAndSetPost, followLedgerOutcome, recordPostDeleted, recordPostFailure } from './post-state'
import type { Account, Delivery, SocialPost } from '@/payload-types'
import { relationId } from '@/lib/relation-id'
import { deliverUnit, heldElsewhere } from '@/delivery/deliver-unit'
import { EARLY_MS, waitUntil } from '@/jobs/wait-until'

export type SocialJobContext = {
  payload: Payload
  env: Pick<Env, 'SOCIAL_CREDENTIALS_KEY' | 'PAYLOAD_SECRET' | 'NODE_ENV'>
  posters: Record<SocialNetwork, SocialPoster>
  limits: AccountRateLimits
  inDoubtPolicy: Record<Urgency, InDoubtPolicy>
  lockMs: number
}

/** Mastodon's Idempotency-Key and Bluesky's record key make a repeat harmless; a webhook's receiver may not dedupe. */
const IDEMPOTENT: Record<SocialNetwork, boolean> = { mastodon: true, bluesky: true, webhook: false }

/** The account with its credential opened; read from the database layer, since no API returns it. */
async function accountAccess(payload: Payload, ref: SocialPost['account'], env: SocialJobContext['env']): Promise<{ account: Account; access: SocialAccountAccess }> {
  const id = typeof ref === 'object' && ref ? ref.id : ref
  const account = id ? await payload.db.findOne<Account>({ collection: 'accounts', where: { id: { equals: id } } }) : null
  if (!account) throw new DeliveryError('The social account of this post was deleted.', { retryable: false })
  if (!account.secret) throw new DeliveryError(`The account "${account.displayName}" has no credential: add it in the social account, then post again.`, { retryable: false })
  let credential: string
  try {
    credential = unseal(account.secret, credentialsKey(env))
  } catch {
    throw new DeliveryError(`The credential of "${account.displayName}" cannot be opened with the current SOCIAL_CREDENTIALS_KEY: enter it again in the social account.`, { retryable: false })
  }
  return { account, access: { id: account.id, baseUrl: account.baseUrl, identifier: account.identifier, credential } }
}

/**
 * One job of a network's queue: a post going out at its time, or a retracted post being deleted.
 * The post is read fresh (staff may have edited, moved or cancelled it); one whose time moved later
 * waits again; the account's rate budget is taken first (waiting for room rather than meeting a 429);
 * the ledger unit is claimed as every unit is, so a crash leaves it in doubt and, the networks'
 * requests being idempotent, it is sent again without doubling. A refusal fails the post at once with
 * the network's words; an outage is retried with backoff and the post shows why it waits.
 */
export async function processSocialJob(job: Job<SocialJob>, token: string | undefined, ctx: SocialJobContext): Promise<object> {
  const { payload } = ctx
  const post = await payload.findByID({ collection: 'social-posts', id: job.data.postId, depth: 0, disableErrors: true })
  if (!post) return { skipped: 'the post no longer exists' }
  // The row id is another post's now: the database was reset or restored since this job was queued.
  if (post.unitKey !== job.data.postKey) throw new UnrecoverableError(`Post ${post.id} is now another post (${post.unitKey}, not ${job.data.postKey}): the database was reset or restored since this job was queued`)
  if (job.name === 'remove') return removePost(job, token, post, ctx)
  if (post.state !== 'scheduled' && post.state !== 'posting') return { skipped: `the post is ${post.state}` }
  const due = Date.parse(post.scheduledAt)
  if (due > Date.now() + EARLY_MS) return waitUntil(job, due, token)

  const row = await payload.findByID({ collection: 'deliveries', id: job.data.deliveryId, depth: 0 })
  try {
    const { account, access } = await accountAccess(payload, post.account, ctx.env)
    if (!account.enabled) throw new DeliveryError(`The account "${account.displayName}" is switched off: switch it on, then post again.`, { retryable: false })
    const delay = await ctx.limits.take(post.network, account.id, 'post')
    if (delay > 0) return waitUntil(job, Date.now() + delay, token)

    // Taken from `scheduled` atomically: a post staff cancelled a moment ago is not sent.
    if (post.state === 'scheduled' && !(await compareAndSetPost(payload, post.id, ['scheduled'], 'posting'))) return { skipped: 'the post changed as it was taken (cancelled, or taken by another worker)' }
    const outgoing = await outgoingPost(payload, post)
    let receipt: { remoteId: string; url?: string } | undefined
    const outcome = await deliverUnit(
      row,
      async () => {
        receipt = await ctx.posters[post.network].publish(access, outgoing)
        return { detail: receipt.url ?? receipt.remoteId }
      },
      { ledger: databaseLedger(payload), inDoubtPolicy: ctx.inDoubtPolicy, lockMs: ctx.lockMs, idempotent: IDEMPOTENT[post.network] },
    )
    if (outcome === 'taken') throw heldElsewhere()
    await followLedgerOutcome(payload, post, row, outcome, receipt)
    if (outcome === 'sent' && post.kind === 'statement' && row.attempts === 0) {
      publishToFirstDelivery.observe({ channel: `social-${post.network}`, urgency: post.urgency }, (Date.now() - Date.parse(post.scheduledAt)) / 1000)
    }
    return { outcome, remoteUrl: receipt?.url }
  } catch (error) {
    if (error instanceof DelayedError) throw error
    return settleFailure(job, token, post, row, error, ctx, false)
  }
}

/**
 * What a failed attempt means: a 429 waits as long as the network said, without spending an attempt;
 * a refusal (or the last attempt) fails the post with the network's words; anything else goes back to
 * scheduled with the reason, and the queue retries it with backoff. A failure before the unit was
 * claimed (a missing credential) is recorded on the ledger unit too.
 */
async function settleFailure(job: Job, token: string | undefined, post: SocialPost, row: Delivery, error: unknown, ctx: SocialJobContext, removal: boolean): Promise<never> {
  const failure = DeliveryError.from(error)
  const waitMs = failure.retryAfterMs
  const final = waitMs === undefined && (!failure.retryable || job.attemptsMade + 1 >= (job.opts.attempts ?? 1))
  const note = waitMs !== undefined ? `${failure.message} (waiting as the network asked)` : final ? failure.message : `${failure.message} (trying again)`
  await recordPostFailure(ctx.payload, post, row, failure, { note, final, removal })
  if (waitMs !== undefined) return waitUntil(job, Date.now() + waitMs, token)
  throw final ? new UnrecoverableError(failure.message) : failure
}

/** What the network gets: the text as it is now, the link and its card, the reply target's remote id. */
async function outgoingPost(payload: Payload, post: SocialPost): Promise<OutgoingPost> {
  let replyTo: string | null = null
  if (post.replyTo) {
    const original = await payload.findByID({ collection: 'social-posts', id: relationId(post.replyTo)!, depth: 0 })
    if (!original.remoteId) throw new DeliveryError('The post this correction answers has no address on the network.', { retryable: false })
    replyTo = original.remoteId
  }
  return { text: post.text, link: post.link, card: { title: post.cardTitle ?? '', description: post.cardDescription ?? '' }, idempotencyKey: post.unitKey, recordKey: post.recordKey, replyTo }
}

/**
 * A retraction's deletion of a post that went out. Deleting is safe to repeat (a post already gone
 * counts as deleted), so an interrupted attempt is simply made again; the account may be switched off
 * by then, and its posts are still removed.
 */
async function removePost(job: Job<SocialJob>, token: string | undefined, post: SocialPost, ctx: SocialJobContext): Promise<object> {
  const { payload } = ctx
  if (post.state !== 'posted' && post.state !== 'deleted') return { skipped: `the post is ${post.state}` }
  const row = await payload.findByID({ collection: 'deliveries', id: job.data.deliveryId, depth: 0 })
  try {
    const { account, access } = await accountAccess(payload, post.account, ctx.env)
    const delay = await ctx.limits.take(post.network, account.id, 'remove')
    if (delay > 0) return waitUntil(job, Date.now() + delay, token)
    const outcome = await deliverUnit(
      row,
      async () => {
        if (post.state === 'posted' && post.remoteId) await ctx.posters[post.network].remove(access, post.remoteId, row.unitKey)
        return { detail: `Deleted ${post.remoteUrl ?? post.remoteId ?? 'the post'}` }
      },
      { ledger: databaseLedger(payload), inDoubtPolicy: ctx.inDoubtPolicy, lockMs: ctx.lockMs, idempotent: true },
    )
    if (outcome === 'sent' || outcome === 'already-sent') await recordPostDeleted(payload, post)
    return { outcome }
  } catch (error) {
    if (error instanceof DelayedError) throw error
    return settleFailure(job, token, post, row, error, ctx, true)
  }
}
