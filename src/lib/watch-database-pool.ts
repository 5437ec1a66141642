import type { Payload } from 'payload'

import { logger } from './logger'

/**
 * node-postgres emits 'error' on the pool when an idle connection drops (a database restart, a
 * network blip). Payload's adapter attaches no listener, and an unhandled 'error' event kills the
 * process; logging it instead lets the pool reconnect on the next query.
 */
export function watchDatabasePool(payload: Payload): void {
  const pool = (payload.db as { pool?: { on: (event: 'error', listener: (error: Error) => void) => void } }).pool
  pool?.on('error', (error) => logger.warn({ err: error.message }, 'database connection lost; the pool reconnects on the next query'))
}
