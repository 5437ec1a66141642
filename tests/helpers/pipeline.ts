import fs from 'node:fs'
import path from 'node:path'

import type { ChannelRegistration } from '../../src/jobs/channel-registration'
import { getEnv } from '../../src/lib/env'
import { logger } from '../../src/lib/logger'
import { startPipeline, type Pipeline } from '../../workers/pipeline'
import { startTestPayload, type TestPayload } from './payload'

/**
 * Settings that make the pipeline quick to observe in tests: fast relay, short backoff and lock. The
 * spine's tests watch the log channel alone; a channel's own tests name the channels they need.
 */
export const FAST_PIPELINE = {
  RELAY_INTERVAL_MS: '50',
  JOB_BACKOFF_MS: '100',
  JOB_ATTEMPTS: '30',
  WORKER_LOCK_MS: '5000',
  LOG_LEVEL: 'error',
  DELIVERY_CHANNELS: 'log',
}

export type TestPipeline = TestPayload & { pipeline: Pipeline; logFile: string }

/**
 * Payload plus the worker pipeline in this process, the log channel appending to a file in the data
 * dir; `registry` replaces the channels the worker knows (a test's own channel beside them).
 */
export async function startTestPipeline(env: Record<string, string> = {}, registry?: ChannelRegistration[]): Promise<TestPipeline> {
  const ctx = await startTestPayload({ ...FAST_PIPELINE, ...env })
  const logFile = path.join(ctx.dataDir, 'log-channel', 'deliveries.jsonl')
  fs.mkdirSync(path.dirname(logFile))
  const pipeline = await startPipeline(ctx.payload, { ...getEnv(), LOG_CHANNEL_FILE: logFile }, logger, registry)
  return {
    ...ctx,
    pipeline,
    logFile,
    stop: async () => {
      await pipeline.stop()
      await ctx.stop()
    },
  }
}
