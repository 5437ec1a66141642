import mongoose from 'mongoose'
import pg from 'pg'

import { ConfigError } from './config-error'
import type { Env } from './env'

const TIMEOUT_MS = 5_000

/** The URI as it may appear in a log line: the password is never printed. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@')
}

function unreachable(env: Env, cause: unknown): ConfigError {
  const reason = cause instanceof Error ? cause.message : String(cause)
  if (env.databaseKind === 'embedded') {
    return new ConfigError(
      `DATABASE_URI is unset and the embedded database at ${env.EMBEDDED_DB_HOST}:${env.EMBEDDED_DB_PORT} does not answer (${reason}): ` +
        'start it with `npm run db:embedded` (`npm start` does this for you), or set DATABASE_URI',
    )
  }
  return new ConfigError(`DATABASE_URI (${redactUri(env.databaseUri)}) does not answer: ${reason}`)
}

/** Fails fast, with one line naming the variable, before Payload would log a stack trace and exit. */
export async function assertDatabaseReachable(env: Env): Promise<void> {
  try {
    if (env.databaseKind === 'mongodb') {
      const connection = mongoose.createConnection(env.databaseUri, { serverSelectionTimeoutMS: TIMEOUT_MS })
      try {
        await connection.asPromise()
      } finally {
        await connection.close().catch(() => undefined)
      }
      return
    }
    const client = new pg.Client({ connectionString: env.databaseUri, connectionTimeoutMillis: TIMEOUT_MS })
    try {
      await client.connect()
      await client.query('select 1')
    } finally {
      await client.end().catch(() => undefined)
    }
  } catch (error) {
    throw unreachable(env, error)
  }
}
