import { lexicalEditor } from '@payloadcms/richtext-lexical'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildConfig, type CollectionConfig, type Field, type GlobalConfig } from 'payload'
import sharp from 'sharp'

import { sendGridEmailAdapter } from './src/channels/email/payload-email-adapter'
import { collections } from './src/collections'
import { answerRequestFaults } from './src/hooks/answerRequestFaults'
import { logApiErrors } from './src/hooks/logApiErrors'
import { refuseMalformedWhere } from './src/hooks/refuseMalformedWhere'
import { skipLockCheck } from './src/hooks/skipLockCheck'
import { Site } from './src/globals/Site'
import { databaseAdapter } from './src/lib/database'
import { getEnv } from './src/lib/env'
import { logger } from './src/lib/logger'
import { plainHttpWarning } from './src/lib/plain-http-warning'
import { siteOrigin } from './src/lib/http/session-policy'
import { watchDatabasePool } from './src/lib/watch-database-pool'

const root = path.dirname(fileURLToPath(import.meta.url))
const env = getEnv()

/**
 * Two places where Payload reads or writes outside the request's transaction while it is open. On the
 * embedded database (one PGlite session shared by all connections) that statement waits for the very
 * transaction it is part of, and the request hangs for good:
 * - the server-side document-lock check (an editor's save from the admin or REST): skipped there; the
 *   admin still shows who is editing;
 * - the reservation that limits password-reset emails to one per 15 s per account: off there (the
 *   reset itself works).
 * A PostgreSQL server and MongoDB keep both.
 */
const forEmbeddedDatabase = <T extends CollectionConfig | GlobalConfig>(config: T): T => {
  if (env.databaseKind !== 'embedded') return config
  const adjusted = { ...config, hooks: { ...config.hooks, beforeOperation: [...(config.hooks?.beforeOperation ?? []), skipLockCheck] } }
  const auth = 'auth' in config && typeof config.auth === 'object' ? config.auth : undefined
  if (!auth) return adjusted
  // The column the reservation uses stays, unused, so the schema (and the shipped migrations) are the
  // same on every database.
  const reservedAt: Field = { name: 'resetPasswordRequestedAt', type: 'date', hidden: true, access: { create: () => false, update: () => false } }
  return { ...adjusted, auth: { ...auth, forgotPassword: { ...auth.forgotPassword, minRequestInterval: 0 } }, fields: [...(config as CollectionConfig).fields, reservedAt] }
}

/** Every collection refuses a client's where clause that Payload's database adapter cannot take (a 500). */
const refusingMalformedWhere = (config: CollectionConfig): CollectionConfig => ({
  ...config,
  hooks: { ...config.hooks, beforeOperation: [refuseMalformedWhere, ...(config.hooks?.beforeOperation ?? [])] },
})

export default buildConfig({
  serverURL: env.PUBLIC_URL,
  secret: env.PAYLOAD_SECRET,
  // A request carrying the session cookie counts as signed in only from the site's own origin (or a
  // same-site navigation); any other Origin is anonymous. The API answers no cross-origin reads (no CORS).
  csrf: [siteOrigin(env)],
  cors: [],
  admin: {
    user: 'users',
    importMap: { baseDir: path.resolve(root, 'src') },
    meta: { titleSuffix: ' · Announcements' },
    // Payload's default (Gravatar) would send a hash of each staff address to a third party on every
    // admin page; the admin's Content-Security-Policy would refuse it anyway.
    avatar: 'default',
    components: {
      afterNavLinks: ['@/components/OperationsLinks#OperationsLinks'],
      views: {
        deliveries: { Component: '@/components/DeliveryDashboard#DeliveryDashboard', path: '/deliveries' },
        launches: { Component: '@/components/UpcomingLaunches#UpcomingLaunches', path: '/launches' },
      },
    },
  },
  collections: collections.map(refusingMalformedWhere).map(forEmbeddedDatabase),
  globals: [Site].map(forEmbeddedDatabase),
  editor: lexicalEditor(),
  db: databaseAdapter(env),
  sharp,
  logger,
  email: sendGridEmailAdapter(env),
  // Payload logs no API error and no GraphQL error itself: logApiErrors logs each one with the request
  // it answered (a refusal as one sentence at info or warn, a fault of the server at error with its
  // stack). Payload looks errors up by class name, which the production build keeps (next.config.ts).
  loggingLevels: {
    APIError: false,
    AuthenticationError: false,
    ErrorDeletingFile: false,
    FileRetrievalError: false,
    FileUploadError: false,
    Forbidden: false,
    Locked: false,
    LockedAuth: false,
    MissingFile: false,
    NotFound: false,
    QueryError: false,
    UnverifiedEmail: false,
    ValidationError: false,
    // Payload's UnauthorizedError, the sign-in limit's refusal (Users/hooks/limitSignInsPerAddress) and
    // the error GraphQL wraps every error of a query in, which Payload's type does not list.
    ...({ UnauthorizedError: false, TooManyAttempts: false, GraphQLError: false } as Record<string, false>),
  },
  // A malformed query is answered 400, not 500 (see src/lib/http/request-fault.ts).
  hooks: { afterError: [answerRequestFaults, logApiErrors] },
  telemetry: false,
  onInit: async (payload) => {
    // Once per process (app, worker, prepare), where its operator reads the log.
    const warning = plainHttpWarning(env)
    if (warning) payload.logger.warn(warning)
    watchDatabasePool(payload)
  },
  // The cap for any request body; each upload collection sets its own, smaller, limit.
  upload: { limits: { fileSize: 50 * 1024 * 1024 } },
  typescript: { outputFile: path.resolve(root, 'src/payload-types.ts') },
})
