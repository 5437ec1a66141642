import type { Payload } from 'payload'

import { DeliveryError } from '../src/domain/errors'
import type { PipelineEvent, Urgency } from '../src/domain/events'
import { SENDABLE_FROM, type InDoubtPolicy } from '../src/domain/ledger'
import type { ChannelPort, ItemSnapshot, PlannedUnit } from '../src/domain/ports'
import { compareAndSetDelivery } from '../src/lib/ledger'
import type { Delivery } from '../src/payload-types'

export type UnitOutcome = 'sent' | 'already-sent' | 'held-in-doubt' | 'taken'

export type DeliverContext = {
  payload: Payload
  channel: ChannelPort
  inDoubtPolicy: Record<Urgency, InDoubtPolicy>
  /** A "sending" unit older than this was interrupted (its job's lock expired), not in progress. */
  lockMs: number
}

export const INTERRUPTED_MESSAGE =
  'The worker stopped while sending this unit (crash or kill): the provider may or may not have received it.'

/**
 * Drives one unit through the ledger: claim it (pending/failed → sending, atomically), deliver, record
 * sent or failed. A unit found "sending" by a later attempt was interrupted mid-send: it becomes
 * in_doubt, and the in-doubt policy for its urgency decides between sending again and holding it for
 * staff. Throws the adapter's DeliveryError after recording it.
 */
export async function deliverUnit(row: Delivery, unit: PlannedUnit, event: PipelineEvent, item: ItemSnapshot, ctx: DeliverContext): Promise<UnitOutcome> {
  const { payload, channel } = ctx
  let state = row.state
  if (state === 'sent') return 'already-sent'

  if (state === 'sending') {
    const startedAt = row.sendingAt ? new Date(row.sendingAt).getTime() : 0
    if (Date.now() - startedAt < ctx.lockMs) return 'taken'
    if (!(await compareAndSetDelivery(payload, row.id, ['sending'], 'in_doubt', { lastError: INTERRUPTED_MESSAGE }))) return 'taken'
    state = 'in_doubt'
  }

  if (state === 'in_doubt' && ctx.inDoubtPolicy[row.urgency] === 'hold') return 'held-in-doubt'
  const claimFrom = state === 'in_doubt' ? ['in_doubt' as const] : SENDABLE_FROM
  if (!(await compareAndSetDelivery(payload, row.id, claimFrom, 'sending', { countAttempt: true, sendingAt: new Date() }))) return 'taken'

  try {
    const receipt = await channel.deliver(unit, event, item)
    await compareAndSetDelivery(payload, row.id, ['sending'], 'sent', { sentAt: new Date(), detail: receipt.detail ?? null, lastError: null })
    return 'sent'
  } catch (error) {
    const failure =
      error instanceof DeliveryError
        ? error
        : new DeliveryError(`Unexpected error: ${error instanceof Error ? error.message : String(error)}`, { retryable: true, cause: error })
    await compareAndSetDelivery(payload, row.id, ['sending'], 'failed', { lastError: failure.message })
    throw failure
  }
}
