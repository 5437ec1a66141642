import type { Urgency } from '@/domain/events'

import { DeliveryError } from './errors'
import { SENDABLE_FROM, type InDoubtPolicy, type Ledger, type LedgerRow } from './ledger'
import type { DeliveryReceipt } from './ports'

export type UnitOutcome = 'sent' | 'already-sent' | 'held-in-doubt' | 'taken' | 'cancelled' | 'handed-off'

export type DeliverContext = {
  ledger: Ledger
  inDoubtPolicy: Record<Urgency, InDoubtPolicy>
  /** A "sending" unit older than this was interrupted (its job's lock expired), not in progress. */
  lockMs: number
  /**
   * The provider recognises a repeat of the same unit (Mastodon's Idempotency-Key, a Bluesky record
   * key): an interrupted unit is sent again whatever the policy, as the repeat cannot double it.
   */
  idempotent?: boolean
}

/**
 * What a job does with a unit another attempt holds ('taken'), or held when its worker died or lost
 * the database before recording it: it looks again after its backoff, and then finds the unit sent,
 * or cut off and so in doubt, rather than finishing with the unit's fate unknown.
 */
export const heldElsewhere = () => new DeliveryError('Another attempt is sending this unit; this job checks it again after its backoff.', { retryable: true })

export const INTERRUPTED_MESSAGE =
  'The worker stopped while sending this unit (crash or kill): the provider may or may not have received it.'

/**
 * Drives one unit through the ledger: claim it (pending/failed → sending, atomically), deliver, record
 * sent or failed. A unit found "sending" by a later attempt was interrupted mid-send: it becomes
 * in_doubt, and the in-doubt policy for its urgency decides between sending again and holding it for
 * staff. `send` does the delivery; its DeliveryError is thrown on after it is recorded.
 */
export async function deliverUnit(row: LedgerRow, send: () => Promise<DeliveryReceipt>, ctx: DeliverContext): Promise<UnitOutcome> {
  const { ledger } = ctx
  let state = row.state
  if (state === 'sent') return 'already-sent'
  if (state === 'cancelled') return 'cancelled'

  if (state === 'sending') {
    const startedAt = row.sendingAt ? new Date(row.sendingAt).getTime() : 0
    if (Date.now() - startedAt < ctx.lockMs) return 'taken'
    if (!(await ledger.compareAndSet(row.id, ['sending'], 'in_doubt', { lastError: INTERRUPTED_MESSAGE, interruptedAt: new Date() }))) return 'taken'
    state = 'in_doubt'
  }

  if (state === 'in_doubt' && ctx.inDoubtPolicy[row.urgency] === 'hold' && !ctx.idempotent) return 'held-in-doubt'
  const claimFrom = state === 'in_doubt' ? ['in_doubt' as const] : SENDABLE_FROM
  if (!(await ledger.compareAndSet(row.id, claimFrom, 'sending', { countAttempt: true, sendingAt: new Date() }))) return 'taken'

  try {
    const receipt = await send()
    await ledger.compareAndSet(row.id, ['sending'], 'sent', { sentAt: new Date(), detail: receipt.detail ?? null, lastError: null })
    return 'sent'
  } catch (error) {
    const failure = DeliveryError.from(error)
    await ledger.compareAndSet(row.id, ['sending'], 'failed', { lastError: failure.message })
    throw failure
  }
}
