import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { Redis } from 'ioredis'
import type { Payload } from 'payload'
import { inject } from 'vitest'

import { installationNamespace } from '../../src/lib/installation'
import { startTestDatabase } from './database'

export type TestPayload = {
  payload: Payload
  dataDir: string
  databaseUri: string
  /** This file's own queue prefix, so runs sharing a Redis never see each other's jobs. */
  queuePrefix: string
  /** Where this file's installation keeps its queues: the prefix and its database's installation id. */
  queueNamespace: string
  redisUrl: string
  stop: () => Promise<void>
}

/** Deletes every key under a queue prefix (every installation's namespace): what a test file leaves in the shared Redis. */
async function deleteQueueKeys(redisUrl: string, prefix: string) {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 })
  try {
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
      cursor = next
      if (keys.length > 0) await redis.del(...keys)
    } while (cursor !== '0')
  } finally {
    redis.disconnect()
  }
}

/**
 * Payload on this test file's own database, schema pushed as in development, uploads in a temporary
 * folder, its own queue prefix on the shared Redis. Call once per file (beforeAll) and stop it in
 * afterAll. `env` adds settings (worker timings, the log channel's file) before the config is read;
 * `services` puts it on a Redis or PostgreSQL server of the test's own (one it restarts).
 */
export async function startTestPayload(env: Record<string, string> = {}, services: { databaseServerUri?: string; redisUrl?: string } = {}): Promise<TestPayload> {
  const database = await startTestDatabase(services.databaseServerUri ?? inject('databaseServerUri'))
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-test-'))
  const queuePrefix = `{test-${randomBytes(4).toString('hex')}}`
  const redisUrl = services.redisUrl ?? inject('redisUrl')
  if (database.embeddedPort) delete process.env.DATABASE_URI
  Object.assign(process.env, {
    ...(database.embeddedPort ? { EMBEDDED_DB_PORT: String(database.embeddedPort) } : { DATABASE_URI: database.uri }),
    DATA_DIR: dataDir,
    PAYLOAD_SECRET: 'test-secret-that-is-long-enough-0123456789',
    QUEUE_PREFIX: queuePrefix,
    REDIS_URL: redisUrl,
    ...env,
  })

  const { getPayload } = await import('payload')
  const { default: config } = await import('@payload-config')
  const payload = await getPayload({ config })
  return {
    payload,
    dataDir,
    databaseUri: database.uri,
    queuePrefix,
    queueNamespace: await installationNamespace(payload, queuePrefix),
    redisUrl,
    stop: async () => {
      const pool = (payload.db as { pool?: { end: () => Promise<void> } }).pool
      await payload.destroy()
      // Not awaited: Payload keeps one connection checked out for good, so end() would never resolve;
      // it closes the idle ones now and the database stop below closes the rest.
      void pool?.end()
      await database.stop()
      await deleteQueueKeys(redisUrl, queuePrefix)
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
