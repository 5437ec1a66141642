import type { Queue } from 'bullmq'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

/**
 * This process's Prometheus metrics (app or worker), served as text at /metrics. The pipeline
 * records what it does here; queue depths and ages are read from Redis when scraped.
 */
export const metrics = new Registry()
collectDefaultMetrics({ register: metrics })

const SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300]

export const jobDuration = new Histogram({
  name: 'pipeline_job_duration_seconds',
  help: 'How long a queue job took, by queue, channel and outcome (completed, failed, slowed: rate-limited or paused).',
  labelNames: ['queue', 'channel', 'outcome'] as const,
  buckets: SECONDS,
  registers: [metrics],
})

export const unitOutcomes = new Counter({
  name: 'pipeline_units_total',
  help: 'Delivery units handled, by channel and outcome (sent, already-sent, held-in-doubt, taken, failed).',
  labelNames: ['channel', 'outcome'] as const,
  registers: [metrics],
})

export const emailsAccepted = new Counter({
  name: 'pipeline_emails_accepted_total',
  help: 'Recipients SendGrid accepted (202); rate() gives emails accepted per second.',
  registers: [metrics],
})

export const publishToFirstDelivery = new Histogram({
  name: 'pipeline_publish_to_first_delivery_seconds',
  help: "From a publish's commit to the first unit a channel sent for it, by channel and urgency.",
  labelNames: ['channel', 'urgency'] as const,
  buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
  registers: [metrics],
})

export const feedRebuild = new Histogram({
  name: 'pipeline_feed_rebuild_seconds',
  help: 'How long building one feed (all three formats) took.',
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [metrics],
})

const JOB_STATES = ['waiting', 'prioritized', 'delayed', 'active', 'failed', 'waiting-children'] as const

const queueSources = new Set<() => Queue[]>()

/** The queues to report on: from every source registered in this process, once each by name. */
function watchedQueues(): Queue[] {
  const byName = new Map<string, Queue>()
  for (const source of queueSources) for (const queue of source()) if (!byName.has(queue.name)) byName.set(queue.name, queue)
  return [...byName.values()]
}

new Gauge({
  name: 'pipeline_queue_jobs',
  help: 'Jobs in a queue, by state.',
  labelNames: ['queue', 'state'] as const,
  registers: [metrics],
  async collect() {
    this.reset()
    await Promise.all(
      watchedQueues().map(async (queue) => {
        // Redis down: the queue is left out of this scrape (its series go absent), /readyz says why.
        const counts = await queue.getJobCounts(...JOB_STATES).catch(() => undefined)
        if (counts) for (const state of JOB_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0)
      }),
    )
  },
})

new Gauge({
  name: 'pipeline_queue_oldest_waiting_seconds',
  help: 'Age of the oldest job waiting in a queue (0 when none waits).',
  labelNames: ['queue'] as const,
  registers: [metrics],
  async collect() {
    this.reset()
    await Promise.all(
      watchedQueues().map(async (queue) => {
        const jobs = await queue.getJobs(['prioritized', 'wait'], 0, 0, true).catch(() => undefined)
        if (jobs) this.set({ queue: queue.name }, jobs[0] ? Math.max(0, (Date.now() - jobs[0].timestamp) / 1000) : 0)
      }),
    )
  },
})

/**
 * Reports these queues' depth per state and the age of their oldest waiting job, read from Redis at
 * each scrape. Returns the function that stops reporting them.
 */
export function watchQueues(queues: () => Queue[]): () => void {
  queueSources.add(queues)
  return () => queueSources.delete(queues)
}
