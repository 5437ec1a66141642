import type { PipelineEvent } from '@/domain/events'

import { deliverUnit, heldElsewhere, type DeliverContext, type UnitOutcome } from './deliver-unit'
import { DeliveryError } from './errors'
import { SENDABLE_FROM, unitKey, type LedgerRow, type UnitSpec } from './ledger'
import type { ChannelPort, ItemSnapshot, PlannedUnit } from './ports'

/** What one channel did with one event. */
export type ChannelRun = {
  units: number
  outcomes: Partial<Record<UnitOutcome, number>>
  /** The channel does not take this event at all. */
  skipped?: boolean
  /** A provider's 429: no new unit was started; the queue should wait this long. */
  slowDownMs?: number
  /** The provider refused our credentials: no new unit was started; the channel should pause. */
  refused?: DeliveryError
  /** Units that failed this time, each recorded on its ledger row. */
  failures: DeliveryError[]
}

export type ChannelRunContext = Omit<DeliverContext, 'idempotent'> & {
  channel: ChannelPort
  /** Told of every unit's outcome, for metrics; `first` is the first planned unit of the event. */
  onUnit?: (outcome: UnitOutcome | 'failed', unit: { row: LedgerRow; first: boolean }) => void
}

/**
 * One channel's share of an event: plan the units, make sure each has a ledger row, deliver the ones
 * not yet sent (or hand them to the channel's own queues), then the same for the follow-up units the
 * first ones gave rise to. Units go out `unitConcurrency` at a time; a provider's 429 or a refusal of
 * our credentials stops new ones from starting, and once those in flight are recorded the run ends
 * saying so, for the queue to slow down or the channel to pause rather than spend attempts.
 */
export async function runChannel(event: PipelineEvent, item: ItemSnapshot, ctx: ChannelRunContext): Promise<ChannelRun> {
  const { channel } = ctx
  const run: ChannelRun = { units: 0, outcomes: {}, failures: [] }
  if (!channel.handles(event, item)) return { ...run, skipped: true }

  const specOf = (unit: PlannedUnit): UnitSpec => ({
    event: event.id,
    collection: event.collection,
    itemId: String(event.itemId),
    channel: channel.name,
    unitKey: unitKey(event, channel.name, unit.key),
    urgency: event.urgency,
    size: unit.size,
  })
  const deliverOne = async (unit: PlannedUnit, row: LedgerRow, first: boolean): Promise<DeliveryError | undefined> => {
    try {
      const outcome = channel.handOff
        ? await handOff(ctx, unit, row, event, item)
        : await deliverUnit(row, () => channel.deliver!(unit, event, item), { ...ctx, idempotent: channel.idempotent })
      run.outcomes[outcome] = (run.outcomes[outcome] ?? 0) + 1
      ctx.onUnit?.(outcome, { row, first })
      if (outcome === 'taken') return noteFailure(heldElsewhere())
    } catch (error) {
      ctx.onUnit?.('failed', { row, first })
      return noteFailure(DeliveryError.from(error))
    }
  }
  const noteFailure = (failure: DeliveryError) => {
    run.failures.push(failure)
    return failure
  }
  /** Delivers `units`; says whether the run may go on to the next ones. */
  const deliverAll = async (units: PlannedUnit[], planned: boolean): Promise<boolean> => {
    const specs = units.map(specOf)
    const rows = await ctx.ledger.ensure(specs)
    let next = 0
    const lane = async () => {
      while (next < units.length && run.slowDownMs === undefined && !run.refused) {
        const index = next++
        const failure = await deliverOne(units[index]!, rows.get(specs[index]!.unitKey)!, planned && index === 0)
        if (failure?.pausesChannel) run.refused = failure
        if (failure?.retryAfterMs) run.slowDownMs = Math.max(run.slowDownMs ?? 0, failure.retryAfterMs)
      }
    }
    await Promise.all(Array.from({ length: Math.min(channel.unitConcurrency ?? 1, units.length) }, lane))
    run.units += units.length
    return run.slowDownMs === undefined && !run.refused
  }
  if ((await deliverAll(await channel.plan(event, item), true)) && channel.followUps) await deliverAll(await channel.followUps(event, item), false)
  return run
}

/** A unit that goes out later on the channel's own queue: handed over unless it is settled already. */
async function handOff(ctx: ChannelRunContext, unit: PlannedUnit, row: LedgerRow, event: PipelineEvent, item: ItemSnapshot): Promise<UnitOutcome> {
  if (row.state === 'sent') return 'already-sent'
  if (row.state === 'cancelled') return 'cancelled'
  try {
    await ctx.channel.handOff!(unit, row, event, item)
  } catch (error) {
    // The unit could not be queued (an account deleted, a template with no room): the ledger says why.
    const failure = error instanceof DeliveryError ? error : new DeliveryError(`Could not queue it: ${error instanceof Error ? error.message : String(error)}`, { retryable: true, cause: error })
    await ctx.ledger.compareAndSet(row.id, SENDABLE_FROM, 'failed', { lastError: failure.message })
    throw failure
  }
  return 'handed-off'
}
