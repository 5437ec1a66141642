import os from 'node:os'

import { DelayedError, FlowProducer, Queue, Worker, type Job, type Processor } from 'bullmq'
import type { Redis } from 'ioredis'
import type { Payload } from 'payload'

import { EmailChannel } from '../src/adapters/email-channel'
import { FeedChannel } from '../src/adapters/feed-channel'
import { LogChannel } from '../src/adapters/log-channel'
import { SendGridMailer } from '../src/adapters/sendgrid-mailer'
import { SocialChannel } from '../src/adapters/social-channel'
import { BlueskyPoster } from '../src/adapters/social/bluesky-poster'
import { MastodonPoster } from '../src/adapters/social/mastodon-poster'
import { WebhookPoster } from '../src/adapters/social/webhook-poster'
import { WebSubHub } from '../src/adapters/websub-hub'
import type { Urgency } from '../src/domain/events'
import { parseInDoubtPolicy } from '../src/domain/ledger'
import type { ChannelPort, Reconciled } from '../src/domain/ports'
import { SOCIAL_NETWORKS, type SocialNetwork } from '../src/domain/social/fit-post'
import { CHANNEL_NAMES, channelOfQueue, configuredChannels } from '../src/jobs/channels'
import { jobOptions } from '../src/jobs/options'
import { LANES, LAUNCH_QUEUE, SCHEDULER_QUEUE, channelQueue, fanoutQueue, socialQueueName } from '../src/jobs/queues'
import { ChannelPauses } from '../src/lib/channel-pause'
import type { Env } from '../src/lib/env'
import { installationNamespace } from '../src/lib/installation'
import { createRedis } from '../src/lib/redis'
import { jobDuration, watchQueues } from '../src/lib/ops/metrics'
import { withRedisLock } from '../src/lib/redis-lock'
import { AccountRateLimits } from '../src/lib/social/account-rate-limits'
import { sendImportConfirmations } from './confirmations'
import { sweepExpiries } from './expiry'
import { processChannelJob } from './processors/channel'
import { processLaunchJob, sweepLaunches } from './launches'
import { processFanoutJob } from './processors/fanout'
import { startRelay } from './relay'
import { processSocialJob } from './social-posts'
import { sweepSocialPosts } from './social-sweep'

type Logger = {
  debug: (o: object, m: string) => void
  info: (o: object, m: string) => void
  warn: (o: object, m: string) => void
  error: (o: object, m: string) => void
}

/**
 * The channels this installation delivers to (`configuredChannels`), as adapters. The social channel
 * hands its posts to its networks' queues through `socialQueue`.
 */
export function channelRegistry(payload: Payload, env: Env, logger: Logger, socialQueue: (network: SocialNetwork) => Queue): ChannelPort[] {
  const names = configuredChannels(env)
  const build: Record<(typeof CHANNEL_NAMES)[number], () => ChannelPort> = {
    log: () => new LogChannel(logger, env.LOG_CHANNEL_FILE),
    feeds: () => new FeedChannel(payload, env, env.WEBSUB_HUB_URL ? new WebSubHub(env.WEBSUB_HUB_URL) : undefined),
    email: () => new EmailChannel(payload, env, new SendGridMailer(env.SENDGRID_API_KEY!, env.SENDGRID_BASE_URL)),
    social: () => new SocialChannel(payload, env, socialQueue),
  }
  return CHANNEL_NAMES.filter((name) => names.includes(name)).map((name) => build[name]())
}

export type Pipeline = {
  /** The Redis namespace of this installation (QUEUE_PREFIX and the installation id). */
  namespace: string
  workers: Worker[]
  /** Handles on the queues this process works on, for its metrics and readiness. */
  queues: Queue[]
  stop: () => Promise<void>
}

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
 * Starts what this worker process runs: the relay, a BullMQ worker per enabled queue and lane (each
 * wrapped with logging), and the expiry sweep. WORKER_QUEUES picks channels ("log,fanout,scheduler" or
 * "all"), WORKER_LANES picks lanes: a process that runs only the urgent lane has its CPU to itself, so
 * a standard backlog cannot slow an urgent statement down even inside one machine. `stop()` closes them in order: no new events, then the
 * workers, which let in-flight jobs finish (SIGTERM loses nothing and leaves nothing in doubt).
 */
export async function startPipeline(payload: Payload, env: Env, logger: Logger): Promise<Pipeline> {
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
  const socialQueues = new Map<SocialNetwork, Queue>()
  const socialQueue = (network: SocialNetwork) => {
    let queue = socialQueues.get(network)
    if (!queue) socialQueues.set(network, (queue = watch(new Queue(socialQueueName(network), { connection: queueConnection, prefix }), socialQueueName(network))))
    return queue
  }
  const channels = channelRegistry(payload, env, logger, socialQueue)
  const stopWatching = watchQueues(() => workedQueues)
  const startWorker = (
    queue: string,
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
      const timer = jobDuration.startTimer({ queue, channel: channelOfQueue(queue) })
      try {
        const result = await processor(job, worker, token)
        timer({ outcome: 'completed' })
        logger.info({ ...jobContext(queue, job), ms: Date.now() - started, result }, 'job done')
        return result
      } catch (error) {
        timer({ outcome: error instanceof Error && (error.message === RATE_LIMIT_ERROR || error.name === 'DelayedError') ? 'slowed' : 'failed' })
        throw error
      }
    }
    const worker: Worker = new Worker(queue, wrapped, {
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
    worker.on('failed', (job, error) => logger.warn({ ...(job ? jobContext(queue, job) : { queue }), attempt: job?.attemptsMade, err: error.message }, 'job failed'))
    worker.on('error', (error) => logger.error({ queue, err: error.message }, 'worker error'))
    workers.push(worker)
    workedQueues.push(watch(new Queue(queue, { connection: queueConnection, prefix }), queue))
  }

  // Before any job: a channel's own state must reflect the database, or the first event's change
  // could be mistaken for one that was already delivered.
  const reconcilable = channels.filter((channel) => channel.reconcile)
  for (const channel of reconcilable.filter((each) => enabled(env, each.name))) {
    try {
      logger.info({ channel: channel.name, result: await channel.reconcile!() }, 'channel reconciled')
    } catch (error) {
      logger.error({ channel: channel.name, err: error instanceof Error ? error.message : String(error) }, 'channel could not reconcile at start; its next event will')
    }
  }
  /**
   * The same for every channel of the installation at the reconcile sweep's pace, wherever the
   * scheduler runs: anything repaired then was left behind by a crash, which staff should hear of.
   */
  const reconcileSweep = async () => {
    const results: Record<string, Reconciled> = {}
    for (const channel of reconcilable) {
      const result = (results[channel.name] = await channel.reconcile!())
      if (result.repaired.length > 0) logger.warn({ channel: channel.name, repaired: result.repaired }, 'reconcile sweep: brought up to date what the channel had missed (a crash mid-delivery)')
    }
    return results
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

  // The social channel's posts wait for their time on a queue per network, worked by every process
  // that runs the social channel, whatever its lanes: urgent posts are taken first by priority.
  const socialConfigured = channels.some((channel) => channel.name === 'social')
  if (socialConfigured && enabled(env, 'social')) {
    const socialContext = {
      payload,
      env,
      posters: { mastodon: new MastodonPoster(), bluesky: new BlueskyPoster(), webhook: new WebhookPoster() },
      limits: new AccountRateLimits(connection('producer'), prefix, env.SOCIAL_RATE_LIMITS),
      inDoubtPolicy,
      lockMs: env.WORKER_LOCK_MS,
    }
    for (const network of SOCIAL_NETWORKS) startWorker(socialQueueName(network), undefined, (job, _worker, token) => processSocialJob(job, token, socialContext))
  }

  let reassertSchedules: NodeJS.Timeout | undefined
  if (enabled(env, 'scheduler')) {
    const scheduler = new Queue(SCHEDULER_QUEUE, { connection: connection('worker'), prefix })
    watch(scheduler, SCHEDULER_QUEUE)
    queues.push(scheduler)
    // Confirmation emails for imported people need SendGrid; without it no such sweep is scheduled.
    const mailer = env.SENDGRID_API_KEY ? new SendGridMailer(env.SENDGRID_API_KEY, env.SENDGRID_BASE_URL) : undefined
    const sweepLock = connection('producer')
    const scheduleSweeps = async () => {
      await scheduler.upsertJobScheduler('expiry-sweep', { every: env.EXPIRY_SWEEP_MS }, { name: 'expiry-sweep' })
      if (socialConfigured) await scheduler.upsertJobScheduler('social-sweep', { every: env.EXPIRY_SWEEP_MS }, { name: 'social-sweep' })
      else await scheduler.removeJobScheduler('social-sweep')
      if (reconcilable.length > 0) await scheduler.upsertJobScheduler('reconcile-sweep', { every: env.RECONCILE_SWEEP_MS }, { name: 'reconcile-sweep' })
      else await scheduler.removeJobScheduler('reconcile-sweep')
      if (mailer) await scheduler.upsertJobScheduler('confirmation-sweep', { every: env.CONFIRMATION_SWEEP_MS }, { name: 'confirmation-sweep' })
      else await scheduler.removeJobScheduler('confirmation-sweep')
    }
    await scheduleSweeps()
    // The schedules live in Redis: after Redis lost its data they would be gone until a restart, so
    // they are asserted again (a no-op while they exist) at the expiry sweep's pace.
    reassertSchedules = setInterval(() => void scheduleSweeps().catch(() => undefined), env.EXPIRY_SWEEP_MS)
    // Scheduled launches publish on their own queue, worked where the scheduler is.
    const launches = watch(new Queue(LAUNCH_QUEUE, { connection: connection('producer'), prefix }), LAUNCH_QUEUE)
    queues.push(launches)
    startWorker(SCHEDULER_QUEUE, undefined, async (job) => {
      if (job.name === 'confirmation-sweep') {
        if (!mailer) return { confirmationsSent: 0 }
        // One sweep at a time across every worker process: two would pick the same people.
        const sent = await withRedisLock(sweepLock, `${prefix}:lock:confirmation-sweep`, CONFIRMATION_SWEEP_LOCK_MS, () => sendImportConfirmations(payload, mailer, env))
        return sent === undefined ? { skipped: 'another sweep is running' } : { confirmationsSent: sent }
      }
      if (job.name === 'reconcile-sweep') return reconcileSweep()
      if (job.name === 'social-sweep') return { requeued: await sweepSocialPosts(payload, socialQueue, options, { dueWithinMs: env.EXPIRY_SWEEP_MS, lockMs: env.WORKER_LOCK_MS }) }
      const launchesRequeued = await sweepLaunches(payload, launches, options, env.EXPIRY_SWEEP_MS)
      return { expired: await sweepExpiries(payload), launchesRequeued }
    })
    startWorker(LAUNCH_QUEUE, undefined, (job, _worker, token) => processLaunchJob(job, token, payload))
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
    namespace: prefix,
    workers,
    queues: workedQueues,
    stop: async () => {
      stopWatching()
      clearInterval(reassertSchedules)
      await relay?.stop()
      await Promise.all(workers.map((worker) => worker.close()))
      await Promise.all([...queues, ...workedQueues, ...socialQueues.values()].map((queue) => queue.close()))
      await flows?.close()
      for (const redis of connections) redis.disconnect()
    },
  }
}
