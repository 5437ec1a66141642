import { DelayedError, FlowProducer, Queue, Worker, type Job, type Processor } from 'bullmq'
import type { Redis } from 'ioredis'
import type { Payload } from 'payload'

import { EmailChannel } from '../src/adapters/email-channel'
import { FeedChannel } from '../src/adapters/feed-channel'
import { LogChannel } from '../src/adapters/log-channel'
import { SendGridMailer } from '../src/adapters/sendgrid-mailer'
import { WebSubHub } from '../src/adapters/websub-hub'
import type { Urgency } from '../src/domain/events'
import { parseInDoubtPolicy } from '../src/domain/ledger'
import type { ChannelPort } from '../src/domain/ports'
import { jobOptions } from '../src/jobs/options'
import { LANES, SCHEDULER_QUEUE, channelQueue, fanoutQueue } from '../src/jobs/queues'
import { ChannelPauses } from '../src/lib/channel-pause'
import type { Env } from '../src/lib/env'
import { ConfigError } from '../src/lib/config-error'
import { createRedis } from '../src/lib/redis'
import { withRedisLock } from '../src/lib/redis-lock'
import { sendImportConfirmations } from './confirmations'
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

/**
 * The channels this installation delivers to: every channel it is configured for (email needs
 * SENDGRID_API_KEY), or the ones DELIVERY_CHANNELS names.
 */
export function channelRegistry(payload: Payload, env: Env, logger: Logger): ChannelPort[] {
  const email = env.SENDGRID_API_KEY ? new EmailChannel(payload, env, new SendGridMailer(env.SENDGRID_API_KEY, env.SENDGRID_BASE_URL)) : undefined
  const all: ChannelPort[] = [
    new LogChannel(logger, env.LOG_CHANNEL_FILE),
    new FeedChannel(payload, env, env.WEBSUB_HUB_URL ? new WebSubHub(env.WEBSUB_HUB_URL) : undefined),
    ...(email ? [email] : []),
  ]
  if (env.DELIVERY_CHANNELS.trim() === 'all') return all
  const wanted = env.DELIVERY_CHANNELS.split(',').map((name) => name.trim()).filter(Boolean)
  if (wanted.includes('email') && !email) throw new ConfigError('Invalid configuration: DELIVERY_CHANNELS names email, but SENDGRID_API_KEY is not set')
  const unknown = wanted.filter((name) => !all.some((channel) => channel.name === name))
  if (unknown.length > 0) {
    throw new ConfigError(`Invalid configuration: DELIVERY_CHANNELS names unknown channels: ${unknown.join(', ')} (there are: ${all.map((channel) => channel.name).join(', ')})`)
  }
  return all.filter((channel) => wanted.includes(channel.name))
}

export type Pipeline = { workers: Worker[]; stop: () => Promise<void> }

/** A confirmation sweep sends at most 20 requests; a worker that dies holding the lock frees it after this. */
const CONFIRMATION_SWEEP_LOCK_MS = 2 * 60_000

/** How long a standard job steps aside when urgent work is pending. */
const YIELD_MS = 250

async function urgentWorkPending(queue: Queue): Promise<boolean> {
  try {
    const counts = await queue.getJobCounts('wait', 'active', 'prioritized')
    return counts.wait! + counts.active! + counts.prioritized! > 0
  } catch {
    return false // Redis trouble: the job itself will meet it and be retried; do not hold standard work for it
  }
}

const enabled = (env: Env, queue: string) => env.WORKER_QUEUES === 'all' || env.WORKER_QUEUES.split(',').map((name) => name.trim()).includes(queue)

/**
 * Starts what this worker process runs: the relay, a BullMQ worker per enabled queue and lane (each
 * wrapped with logging), and the expiry sweep. WORKER_QUEUES picks channels ("log,fanout,scheduler" or
 * "all"), WORKER_LANES picks lanes: a process that runs only the urgent lane has its CPU to itself, so
 * a standard backlog cannot slow an urgent statement down even inside one machine. `stop()` closes them in order: no new events, then the
 * workers, which let in-flight jobs finish (SIGTERM loses nothing and leaves nothing in doubt).
 */
export async function startPipeline(payload: Payload, env: Env, logger: Logger): Promise<Pipeline> {
  const prefix = env.QUEUE_PREFIX
  const options = jobOptions({ attempts: env.JOB_ATTEMPTS, backoffMs: env.JOB_BACKOFF_MS })
  const channels = channelRegistry(payload, env, logger)
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
  const startWorker = (
    queue: string,
    lane: Urgency | undefined,
    processor: (job: Job, worker: Worker) => Promise<unknown>,
    yieldTo?: Queue,
  ) => {
    const concurrency = lane === 'urgent' ? env.WORKER_URGENT_CONCURRENCY : env.WORKER_CONCURRENCY
    const wrapped: Processor = async (job, token) => {
      if (yieldTo && (await urgentWorkPending(yieldTo))) {
        // Standard work steps aside for a moment while urgent work is queued or running: they share
        // the database and, on a small machine, the CPU.
        await job.moveToDelayed(Date.now() + YIELD_MS, token)
        throw new DelayedError()
      }
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

  // Before any job: a channel's own state must reflect the database, or the first event's change
  // could be mistaken for one that was already delivered.
  for (const channel of channels) {
    if (!channel.reconcile || !enabled(env, channel.name)) continue
    try {
      logger.info({ channel: channel.name, result: await channel.reconcile() }, 'channel reconciled')
    } catch (error) {
      logger.error({ channel: channel.name, err: error instanceof Error ? error.message : String(error) }, 'channel could not reconcile at start; its next event will')
    }
  }

  const pauses = new ChannelPauses(connection('producer'), prefix)
  const lanes = LANES.filter((lane) => env.WORKER_LANES.split(',').map((name) => name.trim()).includes(lane))
  const queues: Queue[] = []
  for (const lane of lanes) {
    for (const channel of channels) {
      if (!enabled(env, channel.name)) continue
      const ctx = { payload, channel, inDoubtPolicy, lockMs: env.WORKER_LOCK_MS, pauses }
      let urgentQueue: Queue | undefined
      if (lane === 'standard') {
        urgentQueue = watch(new Queue(channelQueue(channel.name, 'urgent'), { connection: connection('producer'), prefix }), channelQueue(channel.name, 'urgent'))
        queues.push(urgentQueue)
      }
      startWorker(channelQueue(channel.name, lane), lane, (job, worker) => processChannelJob(job, worker, ctx), urgentQueue)
    }
    if (enabled(env, 'fanout')) startWorker(fanoutQueue(lane), lane, (job) => processFanoutJob(job, payload))
  }

  if (enabled(env, 'scheduler')) {
    const scheduler = new Queue(SCHEDULER_QUEUE, { connection: connection('worker'), prefix })
    watch(scheduler, SCHEDULER_QUEUE)
    queues.push(scheduler)
    await scheduler.upsertJobScheduler('expiry-sweep', { every: env.EXPIRY_SWEEP_MS }, { name: 'expiry-sweep' })
    // Confirmation emails for imported people need SendGrid; without it no such sweep is scheduled.
    const mailer = env.SENDGRID_API_KEY ? new SendGridMailer(env.SENDGRID_API_KEY, env.SENDGRID_BASE_URL) : undefined
    const sweepLock = connection('producer')
    if (mailer) await scheduler.upsertJobScheduler('confirmation-sweep', { every: env.CONFIRMATION_SWEEP_MS }, { name: 'confirmation-sweep' })
    else await scheduler.removeJobScheduler('confirmation-sweep')
    startWorker(SCHEDULER_QUEUE, undefined, async (job) => {
      if (job.name === 'confirmation-sweep') {
        if (!mailer) return { confirmationsSent: 0 }
        // One sweep at a time across every worker process: two would pick the same people.
        const sent = await withRedisLock(sweepLock, `${prefix}:lock:confirmation-sweep`, CONFIRMATION_SWEEP_LOCK_MS, () => sendImportConfirmations(payload, mailer, env))
        return sent === undefined ? { skipped: 'another sweep is running' } : { confirmationsSent: sent }
      }
      return { expired: await sweepExpiries(payload) }
    })
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
