import '../src/lib/load-dotenv'

import { getHeapStatistics } from 'node:v8'

import { assertDatabaseReachable } from '../src/lib/database-check'
import { getEnv } from '../src/lib/env'
import { logger } from '../src/lib/logger'
import { assertRedisReachable } from '../src/lib/redis'
import { runMain } from '../src/lib/run-main'
import { startPipeline } from './pipeline'

// The app (or `npm start`'s prepare step) owns the schema; workers only use it.
process.env.SCHEMA_PUSH ??= 'false'

await runMain(async () => {
  const env = getEnv()
  logger.debug('worker starting: checking the database and Redis')
  await assertDatabaseReachable(env)
  await assertRedisReachable(env.REDIS_URL)
  logger.debug('worker starting: loading Payload')

  const { getPayload } = await import('payload')
  const { default: config } = await import('../payload.config')
  const payload = await getPayload({ config })
  logger.debug('worker starting: starting the queues')
  const pipeline = await startPipeline(payload, env, logger)
  logger.info(
    { queues: pipeline.workers.map((worker) => worker.name), relay: env.WORKER_RELAY === 'true', heapLimitMb: Math.round(getHeapStatistics().heap_size_limit / 1_048_576) },
    `worker ready with ${pipeline.workers.length} queue(s)`)

  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'worker stopping: letting in-flight jobs finish')
    await pipeline.stop()
    await payload.destroy()
    logger.info({ signal }, 'worker stopped')
    process.exit(0)
  }
  process.once('SIGTERM', () => void shutdown('SIGTERM'))
  process.once('SIGINT', () => void shutdown('SIGINT'))
})
