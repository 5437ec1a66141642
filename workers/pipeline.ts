import { FlowProducer, Queue, Worker, type Job, type Processor } from 'bullmq'
import type { Redis } from 'ioredis'
import type { Payload } from 'payload'

import { LogChannel } from '../src/adapters/log-channel'
import type { Urgency } from '../src/domain/events'
import { parseInDoubtPolicy } from '../src/domain/ledger'
import type { ChannelPort } from '../src/domain/ports'
import { jobOptions } from '../src/jobs/options'
import { LANES, SCHEDULER_QUEUE, channelQueue, fanoutQueue } from '../src/jobs/queues'
import type { Env } from '../src/lib/env'
import { createRedis } from '../src/lib/redis'
import { sweepExpiries } from './expiry'
import { processChannelJob } from './processors/channel'
import { processFanoutJob } from './processors/fanout'
import { startRelay } from './relay'

type Logger = {
  debug: (o: object, m: string) => void
  info: (o: object, m: string) => void
  warn: (o: object, m: string) => void
  error: (o: object, m: string) => void
}

/** The channels this installation delivers to. Feeds, email and social join here as they are built. */
export function channelRegistry(env: Env, logger: Logger): ChannelPort[] {
  return [new LogChannel(logger, env.LOG_CHANNEL_FILE)]
}

export type Pipeline = { workers: Worker[]; stop: () => Promise<void> }

const enabled = (env: Env, queue: string) => env.WORKER_QUEUES === 'all' || env.WORKER_QUEUES.split(',').map((name) => name.trim()).includes(queue)

/**
 * Starts what this worker process runs: the relay, a BullMQ worker per enabled queue and lane (each
 * wrapped with logging), and the expiry sweep. `stop()` closes them in order: no new events, then the
 * workers, which let in-flight jobs finish (SIGTERM loses nothing and leaves nothing in doubt).
 */
export async function startPipeline(payload: Payload, env: Env, logger: Logger): Promise<Pipeline> {
  const prefix = env.QUEUE_PREFIX
  const options = jobOptions({ attempts: env.JOB_ATTEMPTS, backoffMs: env.JOB_BACKOFF_MS })
  const channels = channelRegistry(env, logger)
  const inDoubtPolicy = parseInDoubtPolicy(env.IN_DOUBT_POLICY)
  const connections: Redis[] = []
  const connection = (role: 'worker' | 'producer') => {
    const redis = createRedis(env.REDIS_URL, role)
    redis.on('error', (error) => logger.warn({ err: error.message, role }, 'redis connection error'))
    connections.push(redis)
    return redis
  }

  // Without a listener BullMQ prints every connection error to stderr. The relay reports an outage
  // once, at warn; the repeats belong at debug.
  const watch = <T extends Queue | FlowProducer>(emitter: T, name: string): T => {
    ;(emitter as unknown as NodeJS.EventEmitter).on('error', (error: Error) => logger.debug({ queue: name, err: error.message }, 'queue connection error'))
    return emitter
  }

  const workers: Worker[] = []
  const startWorker = (queue: string, lane: Urgency | undefined, processor: (job: Job, worker: Worker) => Promise<unknown>) => {
    const concurrency = lane === 'urgent' ? env.WORKER_URGENT_CONCURRENCY : env.WORKER_CONCURRENCY
    const wrapped: Processor = async (job) => {
      const started = Date.now()
      const result = await processor(job, worker)
      logger.info({ queue, jobId: job.id, ms: Date.now() - started, result }, 'job done')
      return result
    }
    const worker: Worker = new Worker(queue, wrapped, {
      connection: connection('worker'),
      prefix,
      concurrency,
      lockDuration: env.WORKER_LOCK_MS,
      // A job whose worker died is picked up again one lock period later. Crashes are not the job's
      // fault, so several are tolerated; the ledger keeps a re-run from sending twice.
      stalledInterval: env.WORKER_LOCK_MS,
      maxStalledCount: 10,
    })
    worker.on('failed', (job, error) =>
      logger.warn({ queue, jobId: job?.id, attempt: job?.attemptsMade, err: error.message }, 'job failed'),
    )
    worker.on('error', (error) => logger.error({ queue, err: error.message }, 'worker error'))
    workers.push(worker)
  }

  for (const lane of LANES) {
    for (const channel of channels) {
      if (!enabled(env, channel.name)) continue
      const ctx = { payload, channel, inDoubtPolicy, lockMs: env.WORKER_LOCK_MS }
      startWorker(channelQueue(channel.name, lane), lane, (job, worker) => processChannelJob(job, worker, ctx))
    }
    if (enabled(env, 'fanout')) startWorker(fanoutQueue(lane), lane, (job) => processFanoutJob(job, payload))
  }

  const queues: Queue[] = []
  if (enabled(env, 'scheduler')) {
    const scheduler = new Queue(SCHEDULER_QUEUE, { connection: connection('worker'), prefix })
    watch(scheduler, SCHEDULER_QUEUE)
    queues.push(scheduler)
    await scheduler.upsertJobScheduler('expiry-sweep', { every: env.EXPIRY_SWEEP_MS }, { name: 'expiry-sweep' })
    startWorker(SCHEDULER_QUEUE, undefined, async () => ({ expired: await sweepExpiries(payload) }))
  }

  let relay: { stop: () => Promise<void> } | undefined
  let flows: FlowProducer | undefined
  if (env.WORKER_RELAY === 'true') {
    flows = new FlowProducer({ connection: connection('producer'), prefix })
    watch(flows, 'flow-producer')
    const fanoutQueues = Object.fromEntries(LANES.map((lane) => [lane, watch(new Queue(fanoutQueue(lane), { connection: connection('producer'), prefix }), fanoutQueue(lane))])) as Record<Urgency, Queue>
    queues.push(...Object.values(fanoutQueues))
    relay = startRelay({ payload, flows, fanoutQueues, channels: channels.map((channel) => channel.name), jobOptions: options, logger }, env.RELAY_INTERVAL_MS)
  }

  return {
    workers,
    stop: async () => {
      await relay?.stop()
      await Promise.all(workers.map((worker) => worker.close()))
      await Promise.all(queues.map((queue) => queue.close()))
      await flows?.close()
      for (const redis of connections) redis.disconnect()
    },
  }
}
