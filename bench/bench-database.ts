import { randomBytes } from 'node:crypto'

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
