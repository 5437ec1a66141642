import { mongooseAdapter } from '@payloadcms/db-mongodb'
import { postgresAdapter } from '@payloadcms/db-postgres'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { DatabaseAdapterObj } from 'payload'

import { migrations } from '@/migrations'
import type { Env } from './env'

const migrationDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../migrations')

/**
 * One Postgres adapter for the embedded database and a PostgreSQL server alike, so both run the same
 * SQL with real transactions. Production runs the shipped migrations at start; development pushes
 * the schema instead (Payload's default outside production), unless SCHEMA_PUSH=false.
 */
export function databaseAdapter(env: Env): DatabaseAdapterObj {
  if (env.databaseKind === 'mongodb') {
    return mongooseAdapter({ url: env.databaseUri })
  }
  return postgresAdapter({
    pool: { connectionString: env.databaseUri, max: env.DATABASE_POOL_MAX },
    migrationDir,
    prodMigrations: migrations,
    // Outside production the schema is pushed at start; only one process may do that (workers do not),
    // or concurrent pushes race and drizzle's data-loss prompt waits forever for a terminal.
    push: env.SCHEMA_PUSH === 'true',
  })
}
