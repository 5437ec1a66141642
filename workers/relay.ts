import type { FlowJob, FlowProducer, JobsOptions, Queue } from 'bullmq'
import type { Payload } from 'payload'

import type { Urgency } from '../src/domain/events'
import { channelJobId, fanoutJobId } from '../src/jobs/job-ids'
import { LANES, channelQueue, fanoutQueue } from '../src/jobs/queues'
import type { OutboxEvent } from '../src/payload-types'
import { type JobChangeDeps, forgetOldJobChanges, relayJobChanges } from './job-changes'
import { requeueLostEvents } from './lost-flows'

type Logger = { info: (o: object, m: string) => void; warn: (o: object, m: string) => void }

/** What moving events into the queues takes. */
export type EventRelayDeps = {
  payload: Payload
  flows: FlowProducer
  /** The fan-out queue of each lane, to see whether an event's flow is already there. */
  fanoutQueues: Record<Urgency, Queue>
  channels: string[]
  jobOptions: JobsOptions
}

export type RelayDeps = EventRelayDeps &
  JobChangeDeps & {
    logger: Logger
    /** Put back queue jobs Redis lost (due launches, due posts); each says how many. */
    repairs: (() => Promise<number>)[]
    repairEveryMs: number
  }

/** One BullMQ flow per event: a child per channel on the event's lane, the fan-out parent after them. */
export function flowFor(event: OutboxEvent, channels: string[], jobOptions: JobsOptions): FlowJob {
  const lane = event.urgency
  // The item travels with the event id so that every log line about its jobs can name it.
  const data = { eventId: event.id, eventUid: event.uid, generation: event.generation, collection: event.collection, itemId: String(event.itemId) }
  return {
    name: `${event.kind}`,
    queueName: fanoutQueue(lane),
    data,
    opts: { ...jobOptions, jobId: fanoutJobId(event.uid, event.generation) },
    children: channels.map((channel) => ({
      name: `${event.kind}-${channel}`,
      queueName: channelQueue(channel, lane),
      data: { ...data, channel },
      // A channel that fails for good must not hold the others' completion hostage.
      opts: { ...jobOptions, jobId: channelJobId(event.uid, event.generation, channel), ignoreDependencyOnFailure: true },
    })),
  }
}

/**
 * Events moved per pass. Standard batches are small so that an urgent event committed meanwhile waits
 * for at most one of them before the next pass takes it.
 */
const BATCH: Record<Urgency, number> = { urgent: 100, standard: 20 }

/**
 * Moves undispatched outbox events into the queues, urgent ones first and each lane oldest first, then
 * marks them dispatched; returns how many it moved. A batch that cannot be added (Redis down) is not
 * marked, so nothing is skipped and the next pass starts there again. Safe in several processes at
 * once: job ids come from the event's uid, and an event whose own flow already exists is only marked.
 */
export async function relayOnce(deps: EventRelayDeps): Promise<number> {
  let moved = 0
  for (const lane of LANES) {
    const batchSize = BATCH[lane]
    const { docs } = await deps.payload.find({
      collection: 'outbox-events',
      where: { and: [{ dispatchedAt: { exists: false } }, { urgency: { equals: lane } }] },
      sort: 'id',
      limit: batchSize,
      depth: 0,
      pagination: false,
    })
    if (docs.length === 0) continue
    // Re-adding a flow whose parent exists would add its children again if they were already removed.
    // Only this event's own job counts: its id carries the event's uid, and its data must say so too.
    const existing = await Promise.all(docs.map((event) => deps.fanoutQueues[lane].getJob(fanoutJobId(event.uid, event.generation))))
    const fresh = docs.filter((event, i) => existing[i]?.data?.eventUid !== event.uid)
    if (fresh.length > 0) await deps.flows.addBulk(fresh.map((event) => flowFor(event, deps.channels, deps.jobOptions)))
    await deps.payload.db.updateMany({
      collection: 'outbox-events',
      where: { id: { in: docs.map((event) => event.id) } },
      data: { dispatchedAt: new Date().toISOString() },
    })
    moved += docs.length
  }
  return moved
}

/** How often the relay looks for dispatched events whose queue jobs were lost. */
const LOST_CHECK_MS = 60_000

/**
 * Runs relayOnce and relayJobChanges every `intervalMs` (at once again after a full batch), backing off
 * while they fail; once a minute it also hands back events whose jobs Redis lost (`requeueLostEvents`),
 * and every `repairEveryMs` it puts back the launch and post jobs Redis lost (`repairs`).
 */
export function startRelay(deps: RelayDeps, intervalMs: number) {
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> = Promise.resolve()
  let failing = false
  let lostCheckedAt = Date.now()
  let repairedAt = 0

  const tick = () => {
    running = (async () => {
      let delay = intervalMs
      try {
        if (Date.now() - lostCheckedAt >= LOST_CHECK_MS) {
          lostCheckedAt = Date.now()
          const requeued = await requeueLostEvents(deps.payload, deps.fanoutQueues)
          if (requeued > 0) deps.logger.warn({ requeued }, 'relay: events whose queue jobs were lost (Redis lost its data) go out again; the ledger skips what was sent')
        }
        if (Date.now() - repairedAt >= deps.repairEveryMs) {
          repairedAt = Date.now()
          let putBack = 0
          for (const repair of deps.repairs) putBack += await repair()
          if (putBack > 0) deps.logger.warn({ putBack }, 'relay: jobs of due launches or posts were missing (Redis lost them); put back')
          await forgetOldJobChanges(deps.payload)
        }
        const moved = (await relayOnce(deps)) + (await relayJobChanges(deps))
        if (failing) deps.logger.info({}, 'relay: queues reachable again')
        failing = false
        // Anything moved means more may be waiting: go again at once.
        if (moved > 0) delay = 0
      } catch (error) {
        if (!failing) deps.logger.warn({ err: (error as Error).message }, 'relay: cannot reach the queues or the database; events and queue changes wait in their outboxes')
        failing = true
        delay = Math.max(intervalMs, 1_000)
      }
      if (!stopped) timer = setTimeout(tick, delay)
    })()
  }
  tick()
  return {
    stop: async () => {
      stopped = true
      clearTimeout(timer)
      await running
    },
  }
}
