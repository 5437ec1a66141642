import '../src/lib/load-dotenv'

import os from 'node:os'
import { getHeapStatistics } from 'node:v8'

import { assertDatabaseReachable } from '../src/lib/database-check'
import { getEnv } from '../src/lib/env'
import { logger } from '../src/lib/logger'
import { databaseCheck, redisCheck } from '../src/ops/health'
import { assertRedisReachable, createRedis } from '../src/lib/redis'
import { runMain } from '../src/lib/run-main'
import { startOpsServer } from '../src/ops/ops-server'
import { startPipeline } from './pipeline'

/** How long a stopping worker waits for its in-flight jobs (docker-compose.yml gives it 30 s before SIGKILL). */
const SHUTDOWN_DEADLINE_MS = 20_000

// The app (or `npm start`'s prepare step) owns the schema; workers only use it.
process.env.SCHEMA_PUSH ??= 'false'

await runMain(async () => {
  const env = getEnv()
  // Where the worker shares CPUs with the app (npm start, one host), a campaign's CPU comes second to
  // the readers of the site and feeds (bench/README.md: the feed's p99 during campaigns at equal
  // priority and at nice 10). Only ever lowered: raising it back needs privileges a worker lacks.
  if (os.getPriority() < env.WORKER_NICE) os.setPriority(env.WORKER_NICE)
  logger.debug('worker starting: checking the database and Redis')
  await assertDatabaseReachable(env)
  await assertRedisReachable(env.REDIS_URL)
  logger.debug('worker starting: loading Payload')

  const { getPayload } = await import('payload')
  const { default: config } = await import('../payload.config')
  const payload = await getPayload({ config })
  logger.debug('worker starting: starting the queues')
  const pipeline = await startPipeline(payload, env, logger)
  const redis = createRedis(env.REDIS_URL, 'producer')
  redis.on('error', () => undefined) // reported by /readyz
  const ops = await startOpsServer({
    port: env.WORKER_HTTP_PORT,
    metricsToken: env.METRICS_TOKEN,
    checks: {
      database: databaseCheck(payload),
      redis: redisCheck(() => redis),
      queues: async () => Promise.all(pipeline.queues.map((queue) => queue.getJobCounts('wait'))),
    },
  })
  logger.info(
    {
      redisNamespace: pipeline.namespace,
      queues: pipeline.workers.map((worker) => worker.name),
      relay: env.WORKER_RELAY === 'true',
      heapLimitMb: Math.round(getHeapStatistics().heap_size_limit / 1_048_576),
      nice: os.getPriority(),
      opsPort: ops.port,
    },
    `worker ready with ${pipeline.workers.length} queue(s)`)

  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'worker stopping: letting in-flight jobs finish')
    // In-flight jobs cannot finish if Redis or the database went first (a whole machine stopping):
    // past the deadline the worker leaves, as a crash would, and the ledger marks what was mid-send.
    setTimeout(() => {
      logger.error({ signal, deadlineMs: SHUTDOWN_DEADLINE_MS }, 'worker stopping: in-flight jobs did not finish in time; exiting, the ledger holds what was mid-send')
      process.exit(1)
    }, SHUTDOWN_DEADLINE_MS).unref()
    await pipeline.stop()
    await ops.close()
    redis.disconnect()
    await payload.destroy()
    logger.info({ signal }, 'worker stopped')
    process.exit(0)
  }
  process.once('SIGTERM', () => void shutdown('SIGTERM'))
  process.once('SIGINT', () => void shutdown('SIGINT'))
})
