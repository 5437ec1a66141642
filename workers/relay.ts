import type { FlowJob, FlowProducer, JobsOptions, Queue } from 'bullmq'
import type { Payload } from 'payload'

import type { Urgency } from '../src/domain/events'
import { channelJobId, fanoutJobId } from '../src/jobs/job-ids'
import { channelQueue, fanoutQueue } from '../src/jobs/queues'
import type { OutboxEvent } from '../src/payload-types'

type Logger = { info: (o: object, m: string) => void; warn: (o: object, m: string) => void }

export type RelayDeps = {
  payload: Payload
  flows: FlowProducer
  /** The fan-out queue of each lane, to see whether an event's flow is already there. */
  fanoutQueues: Record<Urgency, Queue>
  channels: string[]
  jobOptions: JobsOptions
  logger: Logger
}

/** One BullMQ flow per event: a child per channel on the event's lane, the fan-out parent after them. */
export function flowFor(event: OutboxEvent, channels: string[], jobOptions: JobsOptions): FlowJob {
  const lane = event.urgency
  const data = { eventId: event.id, generation: event.generation }
  return {
    name: `${event.kind}`,
    queueName: fanoutQueue(lane),
    data,
    opts: { ...jobOptions, jobId: fanoutJobId(event.id, event.generation) },
    children: channels.map((channel) => ({
      name: `${event.kind}-${channel}`,
      queueName: channelQueue(channel, lane),
      data: { ...data, channel },
      // A channel that fails for good must not hold the others' completion hostage.
      opts: { ...jobOptions, jobId: channelJobId(event.id, event.generation, channel), ignoreDependencyOnFailure: true },
    })),
  }
}

/**
 * Moves undispatched outbox events into the queues, oldest first, then marks them dispatched. Stops at
 * the first event it cannot add (Redis down), so order holds and nothing is skipped; the next pass
 * starts there again. Safe in several processes at once: job ids come from the event, and an event
 * whose flow already exists is only marked.
 */
export async function relayOnce(deps: RelayDeps, batchSize = 100): Promise<number> {
  const { docs } = await deps.payload.find({
    collection: 'outbox-events',
    where: { dispatchedAt: { exists: false } },
    sort: 'id',
    limit: batchSize,
    depth: 0,
    pagination: false,
  })
  for (const event of docs) {
    // Re-adding a flow whose parent exists would add its children again if they were already removed.
    const existing = await deps.fanoutQueues[event.urgency].getJob(fanoutJobId(event.id, event.generation))
    if (!existing) await deps.flows.add(flowFor(event, deps.channels, deps.jobOptions))
    await deps.payload.update({ collection: 'outbox-events', id: event.id, depth: 0, data: { dispatchedAt: new Date().toISOString() } })
  }
  return docs.length
}

/** Runs relayOnce every `intervalMs` (at once again after a full batch), backing off while it fails. */
export function startRelay(deps: RelayDeps, intervalMs: number) {
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> = Promise.resolve()
  let failing = false

  const tick = () => {
    running = (async () => {
      let delay = intervalMs
      try {
        const moved = await relayOnce(deps)
        if (failing) deps.logger.info({}, 'relay: queues reachable again')
        failing = false
        if (moved === 100) delay = 0
      } catch (error) {
        if (!failing) deps.logger.warn({ err: (error as Error).message }, 'relay: cannot reach the queues or the database; events wait in the outbox')
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
