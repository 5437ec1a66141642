import { UnrecoverableError, Worker, type Job } from 'bullmq'

import { DeliveryError } from '../../src/domain/errors'
import type { PipelineEvent } from '../../src/domain/events'
import { SENDABLE_FROM, unitKey } from '../../src/domain/ledger'
import type { ChannelPort, ItemSnapshot, PlannedUnit } from '../../src/domain/ports'
import { channelJobSchema } from '../../src/jobs/payloads'
import type { ChannelPauses } from '../../src/lib/channel-pause'
import { compareAndSetDelivery, ensureDeliveries } from '../../src/lib/ledger'
import { publishToFirstDelivery, unitOutcomes } from '../../src/lib/ops/metrics'
import type { Delivery } from '../../src/payload-types'
import { deliverUnit, heldElsewhere, type DeliverContext, type UnitOutcome } from '../deliver-unit'
import { loadEvent, loadItem } from '../pipeline-data'

export type ChannelResult = { units: number; outcomes: Partial<Record<UnitOutcome, number>>; skipped?: boolean }
export type ChannelJobContext = DeliverContext & { channel: ChannelPort; pauses: ChannelPauses }

/**
 * One channel's share of an event: plan the units, make sure each has a ledger row, deliver the ones
 * not yet sent (or hand them to the channel's own queues), then the same for the follow-up units the
 * first ones gave rise to. Errors map to
 * BullMQ's: a provider's 429 pauses the queue (rate limit); credentials refused pause the channel and
 * put the job back, to carry on where it stopped once staff resume it; a non-retryable error fails
 * the job at once; anything else is retried with backoff.
 */
export async function processChannelJob(job: Job, worker: Worker, ctx: ChannelJobContext): Promise<ChannelResult> {
  const data = channelJobSchema.parse(job.data)
  const event = await loadEvent(ctx.payload, data)
  const item = await loadItem(ctx.payload, event)
  if (!ctx.channel.handles(event, item)) return { units: 0, outcomes: {}, skipped: true }

  const outcomes: ChannelResult['outcomes'] = {}
  const failures: DeliveryError[] = []
  const specOf = (unit: PlannedUnit) => ({
    event: event.id,
    collection: event.collection,
    itemId: String(event.itemId),
    channel: ctx.channel.name,
    unitKey: unitKey(event, ctx.channel.name, unit.key),
    urgency: event.urgency,
    size: unit.size,
  })
  const deliverOne = async (unit: PlannedUnit, row: Delivery, firstOfEvent: boolean): Promise<DeliveryError | undefined> => {
    try {
      const { channel } = ctx
      const outcome = channel.handOff
        ? await handOff(ctx, unit, row, event, item)
        : await deliverUnit(row, () => channel.deliver!(unit, event, item), { ...ctx, idempotent: channel.idempotent })
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1
      unitOutcomes.inc({ channel: ctx.channel.name, outcome })
      if (outcome === 'taken') return noteFailure(heldElsewhere())
      // The first unit of a publish, sent at its first attempt: how long the statement took to go out here.
      if (firstOfEvent && outcome === 'sent' && row.attempts === 0 && event.kind === 'publish' && event.committedAt) {
        publishToFirstDelivery.observe({ channel: ctx.channel.name, urgency: event.urgency }, (Date.now() - Date.parse(event.committedAt)) / 1000)
      }
    } catch (error) {
      unitOutcomes.inc({ channel: ctx.channel.name, outcome: 'failed' })
      return noteFailure(DeliveryError.from(error))
    }
  }
  const noteFailure = (failure: DeliveryError) => {
    failures.push(failure)
    return failure
  }
  // Units go out `unitConcurrency` at a time. A provider's 429 or a refusal of our credentials stops
  // new ones from starting; once the ones in flight are recorded, the queue slows down (rate limit) or
  // the channel pauses, rather than spending the job's attempts.
  const deliverAll = async (units: PlannedUnit[], planned: boolean) => {
    const specs = units.map(specOf)
    const rows = await ensureDeliveries(ctx.payload, specs)
    let next = 0
    let slowDown: number | undefined
    let refused: DeliveryError | undefined
    const lane = async () => {
      while (next < units.length && slowDown === undefined && !refused) {
        const index = next++
        const unit = units[index]!
        const failure = await deliverOne(unit, rows.get(specs[index]!.unitKey)!, planned && index === 0)
        if (failure?.pausesChannel) refused = failure
        if (failure?.retryAfterMs) slowDown = Math.max(slowDown ?? 0, failure.retryAfterMs)
      }
    }
    await Promise.all(Array.from({ length: Math.min(ctx.channel.unitConcurrency ?? 1, units.length) }, lane))
    if (refused) {
      await ctx.pauses.pause(ctx.channel.name, refused.message)
      throw Worker.RateLimitError()
    }
    if (slowDown !== undefined) {
      await worker.rateLimit(slowDown)
      throw Worker.RateLimitError()
    }
    return units.length
  }
  const units = (await deliverAll(await ctx.channel.plan(event, item), true)) + (ctx.channel.followUps ? await deliverAll(await ctx.channel.followUps(event, item), false) : 0)
  const retryable = failures.find((failure) => failure.retryable)
  if (retryable) throw retryable
  if (failures.length > 0) throw new UnrecoverableError(failures.map((failure) => failure.message).join('; '))
  return { units, outcomes }
}

/** A unit that goes out later on the channel's own queue: handed over unless it is settled already. */
async function handOff(ctx: ChannelJobContext, unit: PlannedUnit, row: Delivery, event: PipelineEvent, item: ItemSnapshot): Promise<UnitOutcome> {
  const { channel } = ctx
  if (row.state === 'sent') return 'already-sent'
  if (row.state === 'cancelled') return 'cancelled'
  try {
    await channel.handOff!(unit, row, event, item)
  } catch (error) {
    // The unit could not be queued (an account deleted, a template with no room): the ledger says why.
    const failure = error instanceof DeliveryError ? error : new DeliveryError(`Could not queue it: ${error instanceof Error ? error.message : String(error)}`, { retryable: true, cause: error })
    await compareAndSetDelivery(ctx.payload, row.id, SENDABLE_FROM, 'failed', { lastError: failure.message })
    throw failure
  }
  return 'handed-off'
}
