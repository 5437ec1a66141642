import type { Payload } from 'payload'

import { logger } from './logger'

type PoolClient = { on: (event: 'error', listener: (error: Error) => void) => void }
type Pool = { on: ((event: 'error', listener: (error: Error) => void) => void) & ((event: 'connect', listener: (client: PoolClient) => void) => void) }

const lost = (error: Error) => logger.warn({ err: error.message }, 'database connection lost; the pool reconnects on the next query')

/**
 * node-postgres emits 'error' on the pool when an idle connection drops (a database restart, a
 * network blip), and on the connection itself when it drops while checked out. Payload's adapter
 * listens to neither, and an unhandled 'error' event kills the process: the fault suite's database
 * restart met a connection drizzle had taken for a transaction whose BEGIN failed (it is never given
 * back) dropping later. Logging both lets the pool reconnect on the next query.
 */
export function watchDatabasePool(payload: Payload): void {
  const pool = (payload.db as { pool?: Pool }).pool
  pool?.on('error', lost)
  pool?.on('connect', (client) => client.on('error', lost))
}
