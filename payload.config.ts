import { lexicalEditor } from '@payloadcms/richtext-lexical'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildConfig } from 'payload'
import sharp from 'sharp'

import { collections } from './src/collections'
import { Site } from './src/globals/Site'
import { databaseAdapter } from './src/lib/database'
import { getEnv } from './src/lib/env'
import { logger } from './src/lib/logger'
import { watchDatabasePool } from './src/lib/watch-database-pool'

const root = path.dirname(fileURLToPath(import.meta.url))
const env = getEnv()

export default buildConfig({
  serverURL: env.PUBLIC_URL,
  secret: env.PAYLOAD_SECRET,
  admin: {
    user: 'users',
    importMap: { baseDir: path.resolve(root, 'src') },
    meta: { titleSuffix: ' · Announcements' },
  },
  collections,
  globals: [Site],
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
