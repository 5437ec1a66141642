import os from 'node:os'

import { DelayedError, FlowProducer, Queue, Worker, type Job, type Processor } from 'bullmq'
import type { Redis } from 'ioredis'
import type { Payload } from 'payload'

import { CHANNELS, configuredChannels } from '../src/channels'
import { sweepExpiries } from '../src/collections/Announcements/expiry-sweep'
import { parseInDoubtPolicy } from '../src/delivery/ledger'
import type { Reconciled } from '../src/delivery/ports'
import type { PublishableCollection, Urgency } from '../src/domain/events'
import { ChannelPauses } from '../src/jobs/channel-pauses'
import type { ChannelDeps, ChannelRegistration, StartedChannel, WorkerLogger } from '../src/jobs/channel-registration'
import { jobOptions } from '../src/jobs/options'
import { LANES, LAUNCH_QUEUE, SCHEDULER_QUEUE, channelOfQueue, channelQueue, fanoutQueue } from '../src/jobs/queues'
import { processLaunchJob, sweepLaunches } from '../src/launches/processor'
import { syncLaunchJob } from '../src/launches/queue'
import type { Env } from '../src/lib/env'
import { installationNamespace } from '../src/lib/installation'
import { createRedis } from '../src/lib/redis'
import { withRedisLock } from '../src/lib/redis-lock'
import { jobDuration, watchQueues } from '../src/ops/metrics'
import { SendGridMailer } from '../src/channels/email/sendgrid-mailer'
import { sendImportConfirmations } from '../src/subscribers/confirmation-sweep'
import { processChannelJob } from './processors/channel'
import { processFanoutJob } from './processors/fanout'
import { startRelay } from './relay'

export type Pipeline = {
  /** The Redis namespace of this installation (QUEUE_PREFIX and the installation id). */
  namespace: string
  workers: Worker[]
  /** Handles on the queues this process works on, for its metrics and readiness. */
  queues: Queue[]
  stop: () => Promise<void>
}

/** Work the scheduler runs at a pace, once across every worker process. */
type Sweep = { name: string; everyMs: number; run: () => Promise<unknown> }

/** A confirmation sweep sends at most 20 requests; a worker that dies holding the lock frees it after this. */
const CONFIRMATION_SWEEP_LOCK_MS = 2 * 60_000

const RATE_LIMIT_ERROR = Worker.RateLimitError().message

/** What every log line about a job carries: its queue and id, and the event, item and channel it is for. */
const jobContext = (queue: string, job: Job) => {
  const data = job.data as { eventId?: number | string; collection?: string; itemId?: string }
  return { queue, jobId: job.id, channel: channelOfQueue(queue), eventId: data.eventId, collection: data.collection, itemId: data.itemId }
}

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
 * Starts what this worker process runs: every channel of the installation (`configuredChannels`, from
 * `registry`), with a BullMQ worker per enabled channel queue and lane and for each channel's own
 * queues (each wrapped with logging and metrics); the fan-out parents; the scheduler's sweeps
 * (expiry, reconcile, import confirmations); the launches; and the relay, which also moves the jobs
 * staff changes ask for and puts back those Redis lost. WORKER_QUEUES picks channels
 * ("log,fanout,scheduler" or "all"), WORKER_LANES picks lanes: a process that runs only the urgent lane
 * has its CPU to itself, so a standard backlog cannot slow an urgent statement down even inside one
 * machine. `stop()` closes them in order: no new events, then the workers, which let in-flight jobs
 * finish (SIGTERM loses nothing and leaves nothing in doubt).
 */
export async function startPipeline(payload: Payload, env: Env, logger: WorkerLogger, registry: ChannelRegistration[] = CHANNELS): Promise<Pipeline> {
  const prefix = await installationNamespace(payload, env.QUEUE_PREFIX)
  const options = jobOptions(env)
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
  const workedQueues: Queue[] = []
  const queueConnection = connection('producer')
  const handles = new Map<string, Queue>()
  const closing: Queue[] = []
  /** One handle per queue name for everything this process adds to or looks at. */
  const queue = (name: string) => {
    let handle = handles.get(name)
    if (!handle) handles.set(name, (handle = watch(new Queue(name, { connection: queueConnection, prefix }), name)))
    return handle
  }
  const deps: ChannelDeps = { payload, env, logger, queue, redis: () => connection('producer'), namespace: prefix, jobOptions: options, inDoubtPolicy, lockMs: env.WORKER_LOCK_MS }
  const channels: { registration: ChannelRegistration; started: StartedChannel }[] = configuredChannels(env, registry).map((registration) => ({ registration, started: registration.start(deps) }))
  const stopWatching = watchQueues(() => workedQueues)
  const startWorker = (
    name: string,
    lane: Urgency | undefined,
    processor: (job: Job, worker: Worker, token: string | undefined) => Promise<unknown>,
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
      const timer = jobDuration.startTimer({ queue: name, channel: channelOfQueue(name) })
      try {
        const result = await processor(job, worker, token)
        timer({ outcome: 'completed' })
        logger.info({ ...jobContext(name, job), ms: Date.now() - started, result }, 'job done')
        return result
      } catch (error) {
        timer({ outcome: error instanceof Error && (error.message === RATE_LIMIT_ERROR || error.name === 'DelayedError') ? 'slowed' : 'failed' })
        throw error
      }
    }
    const worker: Worker = new Worker(name, wrapped, {
      // Recorded on each job it takes (processedBy, shown in the queue dashboard): which process ran it.
      name: `${os.hostname()}:${process.pid}`,
      connection: connection('worker'),
      prefix,
      concurrency,
      lockDuration: env.WORKER_LOCK_MS,
      // A job whose worker died is picked up again one lock period later. Crashes are not the job's
      // fault, so several are tolerated; the ledger keeps a re-run from sending twice.
      stalledInterval: env.WORKER_LOCK_MS,
      maxStalledCount: 10,
    })
    worker.on('failed', (job, error) => logger.warn({ ...(job ? jobContext(name, job) : { queue: name }), attempt: job?.attemptsMade, err: error.message }, 'job failed'))
    worker.on('error', (error) => logger.error({ queue: name, err: error.message }, 'worker error'))
    workers.push(worker)
    workedQueues.push(queue(name))
  }

  // Before any job: a channel's own state must reflect the database, or the first event's change
  // could be mistaken for one that was already delivered.
  const reconcilable = channels.map(({ started }) => started.port).filter((port) => port.reconcile)
  for (const port of reconcilable.filter((each) => enabled(env, each.name))) {
    try {
      logger.info({ channel: port.name, result: await port.reconcile!() }, 'channel reconciled')
    } catch (error) {
      logger.error({ channel: port.name, err: error instanceof Error ? error.message : String(error) }, 'channel could not reconcile at start; its next event will')
    }
  }

  const pauses = new ChannelPauses(connection('producer'), prefix)
  const lanes = LANES.filter((lane) => env.WORKER_LANES.split(',').map((name) => name.trim()).includes(lane))
  for (const lane of lanes) {
    for (const { started } of channels) {
      const channel = started.port
      if (!enabled(env, channel.name)) continue
      const ctx = { payload, channel, inDoubtPolicy, lockMs: env.WORKER_LOCK_MS, pauses }
      const urgentQueue = lane === 'standard' ? queue(channelQueue(channel.name, 'urgent')) : undefined
      startWorker(channelQueue(channel.name, lane), lane, (job, worker) => processChannelJob(job, worker, ctx), urgentQueue)
    }
    if (enabled(env, 'fanout')) startWorker(fanoutQueue(lane), lane, (job) => processFanoutJob(job, payload))
  }
  // A channel's own queues are worked by every process that runs the channel, whatever its lanes.
  for (const { registration, started } of channels) {
    if (!enabled(env, registration.name)) continue
    for (const [name, process] of Object.entries(started.processors ?? {})) startWorker(name, undefined, (job, _worker, token) => process(job, token))
  }

  let reassertSchedules: NodeJS.Timeout | undefined
  if (enabled(env, 'scheduler')) {
    // On a connection that waits for Redis, so asserting the schedules again after an outage succeeds.
    const scheduler = watch(new Queue(SCHEDULER_QUEUE, { connection: connection('worker'), prefix }), SCHEDULER_QUEUE)
    closing.push(scheduler)
    const sweeps = new Map<string, Sweep>()
    const addSweep = (sweep: Sweep) => sweeps.set(sweep.name, sweep)
    addSweep({ name: 'expiry-sweep', everyMs: env.EXPIRY_SWEEP_MS, run: async () => ({ expired: await sweepExpiries(payload) }) })
    /**
     * Every channel's reconcile at its sweep's pace, wherever the scheduler runs: anything repaired then
     * was left behind by a crash, which staff should hear of.
     */
    if (reconcilable.length > 0) {
      addSweep({
        name: 'reconcile-sweep',
        everyMs: env.RECONCILE_SWEEP_MS,
        run: async () => {
          const results: Record<string, Reconciled> = {}
          for (const port of reconcilable) {
            const result = (results[port.name] = await port.reconcile!())
            if (result.repaired.length > 0) logger.warn({ channel: port.name, repaired: result.repaired }, 'reconcile sweep: brought up to date what the channel had missed (a crash mid-delivery)')
          }
          return results
        },
      })
    }
    // Confirmation emails for imported people need SendGrid; without it no such sweep is scheduled.
    if (env.SENDGRID_API_KEY) {
      const mailer = new SendGridMailer(env.SENDGRID_API_KEY, env.SENDGRID_BASE_URL)
      const lock = connection('producer')
      addSweep({
        name: 'confirmation-sweep',
        everyMs: env.CONFIRMATION_SWEEP_MS,
        run: async () => {
          // One sweep at a time across every worker process: two would pick the same people.
          const sent = await withRedisLock(lock, `${prefix}:lock:confirmation-sweep`, CONFIRMATION_SWEEP_LOCK_MS, () => sendImportConfirmations(payload, mailer, env))
          return sent === undefined ? { skipped: 'another sweep is running' } : { confirmationsSent: sent }
        },
      })
    }
    const scheduleSweeps = async () => {
      for (const sweep of sweeps.values()) await scheduler.upsertJobScheduler(sweep.name, { every: sweep.everyMs }, { name: sweep.name })
      // A sweep this installation no longer runs (its channel switched off, no SendGrid key) is taken off.
      for (const { key } of await scheduler.getJobSchedulers()) if (!sweeps.has(key)) await scheduler.removeJobScheduler(key)
    }
    await scheduleSweeps()
    // The schedules live in Redis: after Redis lost its data they would be gone until a restart, so
    // they are asserted again (a no-op while they exist) at the expiry sweep's pace.
    reassertSchedules = setInterval(() => void scheduleSweeps().catch(() => undefined), env.EXPIRY_SWEEP_MS)
    startWorker(SCHEDULER_QUEUE, undefined, async (job) => {
      const sweep = sweeps.get(job.name)
      if (!sweep) return { skipped: `no sweep named ${job.name} here` }
      return sweep.run()
    })
    // Scheduled launches publish on their own queue, worked where the scheduler is.
    startWorker(LAUNCH_QUEUE, undefined, (job, _worker, token) => processLaunchJob(job, token, payload))
  }

  let relay: { stop: () => Promise<void> } | undefined
  let flows: FlowProducer | undefined
  if (env.WORKER_RELAY === 'true') {
    flows = watch(new FlowProducer({ connection: connection('producer'), prefix }), 'flow-producer')
    const fanoutQueues = Object.fromEntries(LANES.map((lane) => [lane, queue(fanoutQueue(lane))])) as Record<Urgency, Queue>
    const launches = queue(LAUNCH_QUEUE)
    relay = startRelay(
      {
        payload,
        flows,
        fanoutQueues,
        channels: channels.map(({ registration }) => registration.name),
        jobOptions: options,
        logger,
        syncers: {
          launch: (itemId, collection) => syncLaunchJob(payload, launches, options, collection as PublishableCollection, itemId),
          ...Object.assign({}, ...channels.map(({ started }) => started.jobSyncs ?? {})),
        },
        repairs: [() => sweepLaunches(payload, launches, options, env.EXPIRY_SWEEP_MS), ...channels.flatMap(({ started }) => (started.repair ? [started.repair] : []))],
        repairEveryMs: env.EXPIRY_SWEEP_MS,
      },
      env.RELAY_INTERVAL_MS,
    )
  }

  return {
    namespace: prefix,
    workers,
    queues: workedQueues,
    stop: async () => {
      stopWatching()
      clearInterval(reassertSchedules)
      await relay?.stop()
      await Promise.all(workers.map((worker) => worker.close()))
      await Promise.all([...handles.values(), ...closing].map((handle) => handle.close()))
      await flows?.close()
      for (const redis of connections) redis.disconnect()
    },
  }
}
