import type { Payload } from 'payload'

import { logger } from './logger'

type QueryConfig = string | { text?: string } | undefined
type PoolClient = {
  on: (event: 'error', listener: (error: Error) => void) => void
  query: (...args: unknown[]) => unknown
  release: (error?: Error | boolean) => void
}
type Pool = {
  /** pg-pool's own list of the connections it has open (not part of its typed API). */
  _clients?: PoolClient[]
  on: ((event: 'error', listener: (error: Error) => void) => void) & ((event: 'connect', listener: (client: PoolClient) => void) => void)
}

const lost = (error: Error) => logger.warn({ err: error.message }, 'database connection lost; the pool reconnects on the next query')

const isBegin = (config: QueryConfig) => /^\s*begin\b/i.test(typeof config === 'string' ? config : (config?.text ?? ''))

/**
 * drizzle-orm (0.45, under Payload's adapter) takes a pooled connection for a transaction and sends
 * BEGIN before its try/finally: when BEGIN fails (the database restarting or refusing connections)
 * the connection is never given back, and the pool stays one smaller until the process restarts.
 * Each connection, once, when the pool opens it: a BEGIN that fails hands it back, as broken (the pool
 * closes it and opens a fresh one when needed). Nothing else here sends BEGIN on a pooled connection.
 */
function releaseWhenBeginFails(client: PoolClient): void {
  const query = client.query.bind(client)
  client.query = (...args: unknown[]) => {
    const result = query(...args)
    if (!isBegin(args[0] as QueryConfig) || !(result instanceof Promise)) return result
    return result.catch((error: Error) => {
      client.release(error)
      throw error
    })
  }
}

/**
 * Keeps Payload's connection pool whole through database restarts. node-postgres emits 'error' on the
 * pool when an idle connection drops (a database restart, a network blip), and on the connection
 * itself when it drops while checked out. Payload's adapter listens to neither, and an unhandled
 * 'error' event kills the process: logging both lets the pool reconnect on the next query. A
 * connection whose BEGIN failed goes back to the pool (`releaseWhenBeginFails`).
 */
export function watchDatabasePool(payload: Payload): void {
  const pool = (payload.db as { pool?: Pool }).pool
  if (!pool) return
  const watch = (client: PoolClient) => {
    client.on('error', lost)
    releaseWhenBeginFails(client)
  }
  pool.on('error', lost)
  // The connections the adapter opened before Payload's init got here, then every later one.
  for (const client of pool._clients ?? []) watch(client)
  pool.on('connect', watch)
}
