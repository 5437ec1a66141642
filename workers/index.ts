import '../src/lib/load-dotenv'

import { assertDatabaseReachable } from '../src/lib/database-check'
import { getEnv } from '../src/lib/env'
import { logger } from '../src/lib/logger'
import { assertRedisReachable } from '../src/lib/redis'
import { runMain } from '../src/lib/run-main'
import { registry } from './registry'

await runMain(async () => {
  const env = getEnv()
  await assertDatabaseReachable(env)
  await assertRedisReachable(env.REDIS_URL)

  const { getPayload } = await import('payload')
  const { default: config } = await import('../payload.config')
  const payload = await getPayload({ config })

  const running = await Promise.all(registry.map((entry) => entry.start()))
  logger.info({ queues: registry.map((entry) => entry.queue) }, `worker ready with ${registry.length} queue(s)`)

  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'worker stopping: letting in-flight jobs finish')
    await Promise.all(running.map((processor) => processor.close()))
    await payload.destroy()
    process.exit(0)
  }
  process.once('SIGTERM', () => void shutdown('SIGTERM'))
  process.once('SIGINT', () => void shutdown('SIGINT'))
})
