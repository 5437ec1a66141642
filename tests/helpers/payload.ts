import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import type { Payload } from 'payload'

import { startTestDatabase } from './database'

export type TestPayload = { payload: Payload; dataDir: string; stop: () => Promise<void> }

/**
 * Payload on this test file's own database, schema pushed as in development, uploads in a temporary
 * folder. Call once per file (beforeAll) and stop it in afterAll.
 */
export async function startTestPayload(): Promise<TestPayload> {
  const database = await startTestDatabase()
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-test-'))
  process.env.DATABASE_URI = database.uri
  process.env.DATA_DIR = dataDir
  process.env.PAYLOAD_SECRET = 'test-secret-that-is-long-enough-0123456789'

  const { getPayload } = await import('payload')
  const { default: config } = await import('@payload-config')
  const payload = await getPayload({ config })
  return {
    payload,
    dataDir,
    stop: async () => {
      const pool = (payload.db as { pool?: { end: () => Promise<void> } }).pool
      await payload.destroy()
      // Not awaited: Payload keeps one connection checked out for good, so end() would never resolve;
      // it closes the idle ones now and the database stop below closes the rest.
      void pool?.end()
      await database.stop()
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
