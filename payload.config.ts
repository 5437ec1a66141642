import { lexicalEditor } from '@payloadcms/richtext-lexical'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildConfig, type CollectionConfig, type GlobalConfig } from 'payload'
import sharp from 'sharp'

import { collections } from './src/collections'
import { skipLockCheck } from './src/hooks/skipLockCheck'
import { Site } from './src/globals/Site'
import { databaseAdapter } from './src/lib/database'
import { getEnv } from './src/lib/env'
import { logger } from './src/lib/logger'
import { watchDatabasePool } from './src/lib/watch-database-pool'

const root = path.dirname(fileURLToPath(import.meta.url))
const env = getEnv()

/**
 * Payload's server-side document-lock check reads outside the request's transaction. On the embedded
 * database (one PGlite session shared by all connections) that read waits for the very transaction it
 * is part of, and an editor's save from the admin or REST hangs for good. There the check is skipped
 * (the admin still shows who is editing); a PostgreSQL server and MongoDB keep it.
 */
const lockCheck = <T extends CollectionConfig | GlobalConfig>(config: T): T =>
  env.databaseKind === 'embedded'
    ? { ...config, hooks: { ...config.hooks, beforeOperation: [...(config.hooks?.beforeOperation ?? []), skipLockCheck] } }
    : config

export default buildConfig({
  serverURL: env.PUBLIC_URL,
  secret: env.PAYLOAD_SECRET,
  admin: {
    user: 'users',
    importMap: { baseDir: path.resolve(root, 'src') },
    meta: { titleSuffix: ' · Announcements' },
  },
  collections: collections.map(lockCheck),
  globals: [Site].map(lockCheck),
  editor: lexicalEditor(),
  db: databaseAdapter(env),
  sharp,
  logger,
  // A refused or invalid request is the client's mistake, not the server's: one info line, no stack.
  loggingLevels: {
    AuthenticationError: 'info',
    Forbidden: 'info',
    NotFound: 'info',
    ValidationError: 'info',
    QueryError: 'info',
    LockedAuth: 'warn',
  },
  telemetry: false,
  onInit: async (payload) => watchDatabasePool(payload),
  // The cap for any request body; each upload collection sets its own, smaller, limit.
  upload: { limits: { fileSize: 50 * 1024 * 1024 } },
  typescript: { outputFile: path.resolve(root, 'src/payload-types.ts') },
})
