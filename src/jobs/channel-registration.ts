import type { Job, JobsOptions, Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import type { Payload } from 'payload'

import type { JobTarget } from '@/jobs/job-targets'
import type { InDoubtPolicy } from '@/delivery/ledger'
import type { ChannelPort } from '@/delivery/ports'
import type { Urgency } from '@/domain/events'
import type { Env } from '@/lib/env'

export type WorkerLogger = {
  debug: (o: object, m: string) => void
  info: (o: object, m: string) => void
  warn: (o: object, m: string) => void
  error: (o: object, m: string) => void
}

/** What a channel is given when a worker process starts it. */
export type ChannelDeps = {
  payload: Payload
  env: Env
  logger: WorkerLogger
  /** A handle on one of the installation's queues (in its Redis namespace), one per name and process. */
  queue: (name: string) => Queue
  /** A Redis connection of the process's own, for what is not a queue (rate budgets, locks). */
  redis: () => Redis
  /** The Redis namespace of the installation, for keys of the channel's own. */
  namespace: string
  /** The one retry layer's options: attempts, backoff with jitter, finished jobs kept. */
  jobOptions: JobsOptions
  inDoubtPolicy: Record<Urgency, InDoubtPolicy>
  /** A job whose worker died is taken up again after this long; a unit "sending" for longer was cut off. */
  lockMs: number
}

/** A channel started in one worker process. */
export type StartedChannel = {
  port: ChannelPort
  /** The processors of the channel's own queues (`ownQueues`), by queue name. */
  processors?: Record<string, (job: Job, token: string | undefined) => Promise<unknown>>
  /**
   * How the relay brings a queue job of the channel in line with the database when staff changed its
   * target (a social post edited, cancelled or sent now), by the job outbox's target.
   */
  jobSyncs?: Partial<Record<JobTarget, (targetId: string) => Promise<void>>>
  /** Puts back jobs Redis lost (due posts with no job); the relay runs it at the expiry sweep's pace. Says how many. */
  repair?: () => Promise<number>
}

/**
 * One channel as the pipeline knows it: a folder under src/channels and one line in its registry
 * (src/channels/index.ts). The worker starts it and works its per-lane channel queues and its own
 * queues; the relay gives it a job in every event's flow, moves its jobs when staff change their
 * targets, and runs its repair.
 */
export type ChannelRegistration = {
  name: string
  /** Why this installation cannot run the channel (email without SENDGRID_API_KEY), or nothing. */
  unavailable?: (env: Env) => string | undefined
  /** Queues of its own besides the per-lane channel queues, such as the social networks' post queues. */
  ownQueues?: string[]
  start: (deps: ChannelDeps) => StartedChannel
}
