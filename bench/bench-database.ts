import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import pg from 'pg'

import { startEmbeddedDatabase } from '../src/lib/embedded-database'

/**
 * A fresh database for one benchmark run: the embedded PGlite on a random port, or, when
 * DATABASE_URI names a PostgreSQL server, a new database on it that is dropped afterwards.
 */
export async function benchDatabase(): Promise<{ uri: string; stop: () => Promise<void> }> {
  const server = process.env.DATABASE_URI
  if (!server) return startEmbeddedDatabase({ host: '127.0.0.1', port: 54500 + Math.floor(Math.random() * 400) })
  const name = `bench_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: server })
  await admin.connect()
  await admin.query(`create database "${name}"`)
  await admin.end()
  const url = new URL(server)
  url.pathname = `/${name}`
  return {
    uri: url.toString(),
    stop: async () => {
      const client = new pg.Client({ connectionString: server })
      await client.connect()
      await client.query(`drop database if exists "${name}" with (force)`)
      await client.end()
    },
  }
}

export const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

/**
 * The environment a benchmark's Payload and worker processes share: the run's database, a temporary
 * data folder, a private queue prefix, quiet logs, plus `extra`. Also set on this process, before
 * Payload's config is imported.
 */
export function benchEnv(databaseUri: string, extra: Record<string, string> = {}): { env: Record<string, string>; dataDir: string } {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'))
  const env = {
    DATABASE_URI: databaseUri,
    DATA_DIR: dataDir,
    PAYLOAD_SECRET: 'bench-secret-bench-secret-bench-secret-00',
    QUEUE_PREFIX: `{bench-${randomBytes(3).toString('hex')}}`,
    LOG_LEVEL: 'warn',
    WORKER_HTTP_PORT: '0',
    ...extra,
  }
  Object.assign(process.env, env)
  return { env, dataDir }
}
