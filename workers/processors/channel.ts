import { UnrecoverableError, Worker, type Job } from 'bullmq'
import type { Payload } from 'payload'

import { runChannel } from '../../src/delivery/channel-job'
import type { InDoubtPolicy } from '../../src/delivery/ledger'
import type { ChannelPort } from '../../src/delivery/ports'
import type { Urgency } from '../../src/domain/events'
import type { ChannelPauses } from '../../src/jobs/channel-pauses'
import { channelJobSchema } from '../../src/jobs/payloads'
import { databaseLedger } from '../../src/lib/ledger-store'
import { publishToFirstDelivery, unitOutcomes } from '../../src/ops/metrics'
import { loadEvent, loadItem } from '../pipeline-data'

export type ChannelJobContext = {
  payload: Payload
  channel: ChannelPort
  pauses: ChannelPauses
  inDoubtPolicy: Record<Urgency, InDoubtPolicy>
  /** A "sending" unit older than this was interrupted (its job's lock expired), not in progress. */
  lockMs: number
}

export type ChannelResult = { units: number; outcomes: Record<string, number>; skipped?: boolean }

/**
 * A channel job of an event's flow: the event and its item read fresh, the channel run through the
 * ledger (src/delivery/channel-job.ts), and the run's ending told to BullMQ: a provider's 429 slows
 * the queue down (rate limit) and credentials refused pause the channel, both putting the job back to
 * carry on where it stopped; a failure that may pass is retried with backoff; any other fails the job
 * at once.
 */
export async function processChannelJob(job: Job, worker: Worker, ctx: ChannelJobContext): Promise<ChannelResult> {
  const { payload, channel } = ctx
  const event = await loadEvent(payload, channelJobSchema.parse(job.data))
  const item = await loadItem(payload, event)
  const run = await runChannel(event, item, {
    ...ctx,
    ledger: databaseLedger(payload),
    onUnit: (outcome, { row, first }) => {
      unitOutcomes.inc({ channel: channel.name, outcome })
      // The first unit of a publish, sent at its first attempt: how long the statement took to go out here.
      if (first && outcome === 'sent' && row.attempts === 0 && event.kind === 'publish' && event.committedAt) {
        publishToFirstDelivery.observe({ channel: channel.name, urgency: event.urgency }, (Date.now() - Date.parse(event.committedAt)) / 1000)
      }
    },
  })
  if (run.refused) {
    await ctx.pauses.pause(channel.name, run.refused.message)
    throw Worker.RateLimitError()
  }
  if (run.slowDownMs !== undefined) {
    await worker.rateLimit(run.slowDownMs)
    throw Worker.RateLimitError()
  }
  const retryable = run.failures.find((failure) => failure.retryable)
  if (retryable) throw retryable
  if (run.failures.length > 0) throw new UnrecoverableError(run.failures.map((failure) => failure.message).join('; '))
  return { units: run.units, outcomes: run.outcomes, ...(run.skipped ? { skipped: true } : {}) }
}
