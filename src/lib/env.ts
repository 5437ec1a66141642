import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'

import { ConfigError } from './config-error'

/**
 * What each network allows one account: Mastodon 300 requests per 5 minutes; Bluesky 5,000 write
 * points per hour (a post costs 3, a deletion 1). Webhooks are not metered: the receiver answers 429
 * if it must, and the queue waits as it says.
 */
const DEFAULT_SOCIAL_BUDGETS = 'mastodon=300/300,bluesky=5000/3600'

const DATABASE_SCHEMES = /^(postgres|postgresql|mongodb|mongodb\+srv):\/\//

// An empty value in a .env file means "not set", so defaults and "required" behave as people expect.
const unsetIfEmpty = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value)
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(unsetIfEmpty, schema.optional())
const PORT_MESSAGE = 'must be a port number (1-65535)'
const port = (fallback: number) =>
  z.preprocess(unsetIfEmpty, z.coerce.number({ error: PORT_MESSAGE }).int(PORT_MESSAGE).min(1, PORT_MESSAGE).max(65535, PORT_MESSAGE).default(fallback))

const schema = z.object({
  NODE_ENV: z.preprocess(unsetIfEmpty, z.enum(['development', 'production', 'test']).default('development')),
  PAYLOAD_SECRET: optional(z.string().min(32, 'must be at least 32 characters long')),
  DATABASE_URI: optional(
    z
      .string()
      .trim()
      .regex(DATABASE_SCHEMES, 'must start with postgres://, postgresql:// or mongodb:// (leave it unset for the embedded database)'),
  ),
  DATABASE_POOL_MAX: z.preprocess(unsetIfEmpty, z.coerce.number({ error: 'must be a number' }).int().min(1).max(200).default(10)),
  SCHEMA_PUSH: z.preprocess(unsetIfEmpty, z.enum(['true', 'false'], 'must be true or false').default('true')),
  EMBEDDED_DB_HOST: z.preprocess(unsetIfEmpty, z.string().default('127.0.0.1')),
  EMBEDDED_DB_PORT: port(54329),
  DATA_DIR: z.preprocess(unsetIfEmpty, z.string().default('./data')),
  REDIS_URL: z.preprocess(unsetIfEmpty, z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').default('redis://127.0.0.1:6379')),
  QUEUE_PREFIX: z.preprocess(unsetIfEmpty, z.string().regex(/^[^:\s]+$/, 'must not contain ":" or spaces').default('{pipeline}')),
  PUBLIC_URL: z.preprocess(unsetIfEmpty, z.url('must be an absolute http(s) URL').default('http://localhost:3000')),
  PORT: port(3000),
  LOG_LEVEL: z.preprocess(unsetIfEmpty, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  WORKER_QUEUES: z.preprocess(unsetIfEmpty, z.string().default('all')),
  DELIVERY_CHANNELS: z.preprocess(unsetIfEmpty, z.string().regex(/^[a-z,\s]+$/, 'must be "all" or a comma-separated list of channel names').default('all')),
  WORKER_LANES: z.preprocess(
    unsetIfEmpty,
    z.string().regex(/^\s*(urgent|standard)\s*(,\s*(urgent|standard)\s*)?$/, 'must be "urgent", "standard" or "urgent,standard"').default('urgent,standard'),
  ),
  WORKER_CONCURRENCY: z.preprocess(unsetIfEmpty, z.coerce.number({ error: 'must be a number' }).int().min(1).max(500).default(5)),
  WORKER_URGENT_CONCURRENCY: z.preprocess(unsetIfEmpty, z.coerce.number({ error: 'must be a number' }).int().min(1).max(500).default(10)),
  WORKER_RELAY: z.preprocess(unsetIfEmpty, z.enum(['true', 'false'], 'must be true or false').default('true')),
  WORKER_HEAP_MB: z.preprocess(unsetIfEmpty, z.coerce.number({ error: 'must be a number' }).int().min(128).max(65_536).default(256)),
  WORKER_NICE: z.preprocess(unsetIfEmpty, z.coerce.number({ error: 'must be a number' }).int().min(0, 'must be 0 to 19').max(19, 'must be 0 to 19').default(10)),
  WORKER_LOCK_MS: z.preprocess(unsetIfEmpty, z.coerce.number({ error: 'must be a number' }).int().min(1000).default(30_000)),
  RELAY_INTERVAL_MS: z.preprocess(unsetIfEmpty, z.coerce.number({ error: 'must be a number' }).int().min(10).default(100)),
  EXPIRY_SWEEP_MS: z.preprocess(unsetIfEmpty, z.coerce.number({ error: 'must be a number' }).int().min(1000).default(15_000)),
  RECONCILE_SWEEP_MS: z.preprocess(unsetIfEmpty, z.coerce.number({ error: 'must be a number' }).int().min(1000).default(300_000)),
  CONFIRMATION_SWEEP_MS: z.preprocess(unsetIfEmpty, z.coerce.number({ error: 'must be a number' }).int().min(100).default(10_000)),
  JOB_ATTEMPTS: z.preprocess(unsetIfEmpty, z.coerce.number({ error: 'must be a number' }).int().min(1).max(100).default(8)),
  JOB_BACKOFF_MS: z.preprocess(unsetIfEmpty, z.coerce.number({ error: 'must be a number' }).int().min(10).default(2_000)),
  IN_DOUBT_POLICY: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(/^\s*(urgent|standard)\s*=\s*(resend|hold)\s*(,\s*(urgent|standard)\s*=\s*(resend|hold)\s*)*$/, 'must look like "urgent=resend,standard=hold"')
      .default('urgent=resend,standard=hold'),
  ),
  LOG_CHANNEL_FILE: optional(z.string()),
  FEED_ITEMS: z.preprocess(unsetIfEmpty, z.coerce.number({ error: 'must be a number' }).int().min(1).max(10_000).default(50)),
  FEED_TTL_MINUTES: z.preprocess(unsetIfEmpty, z.coerce.number({ error: 'must be a number' }).int().min(1).max(1440).default(5)),
  FEED_MAX_AGE_SECONDS: z.preprocess(unsetIfEmpty, z.coerce.number({ error: 'must be a number' }).int().min(0).max(86_400).default(60)),
  FEEDS_DIR: optional(z.string()),
  WEBSUB_HUB_URL: optional(z.url('must be an absolute http(s) URL')),
  SENDGRID_API_KEY: optional(z.string().trim().min(1)),
  SENDGRID_BASE_URL: z.preprocess(unsetIfEmpty, z.url('must be an absolute http(s) URL').default('https://api.sendgrid.com')),
  EMAIL_CONCURRENCY: z.preprocess(unsetIfEmpty, z.coerce.number({ error: 'must be a number' }).int().min(1).max(32).default(4)),
  SOCIAL_CREDENTIALS_KEY: optional(z.string().trim().min(44, 'must be 32 bytes, as 64 hex characters or base64 (`openssl rand -hex 32`)')),
  SOCIAL_RATE_LIMITS: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(/^\s*(mastodon|bluesky)=\d+\/\d+\s*(,\s*(mastodon|bluesky)=\d+\/\d+\s*)*$/, 'must look like "mastodon=300/300,bluesky=5000/3600" (points per seconds, per account)')
      .default(DEFAULT_SOCIAL_BUDGETS),
  ),
  METRICS_TOKEN: optional(z.string().trim().min(16, 'must be at least 16 characters (a scraper sends it as a bearer token)')),
  // 0: any free port (tests and benchmarks run several workers on one machine).
  WORKER_HTTP_PORT: z.preprocess(unsetIfEmpty, z.coerce.number({ error: PORT_MESSAGE }).int(PORT_MESSAGE).min(0, PORT_MESSAGE).max(65535, PORT_MESSAGE).default(9465)),
  EMAIL_FROM_ADDRESS: optional(z.email('must be an email address')),
  EMAIL_FROM_NAME: z.preprocess(unsetIfEmpty, z.string().default('Announcements')),
  SENDGRID_WEBHOOK_PUBLIC_KEY: optional(z.string().trim().min(40, 'must be the verification key from SendGrid (Mail Settings → Event Webhook)')),
  EMAIL_BATCH_SIZE: z.preprocess(unsetIfEmpty, z.coerce.number({ error: 'must be a number' }).int().min(1).max(1000, 'must be at most 1000 (SendGrid takes 1,000 personalizations a request)').default(1000)),
  ADMIN_EMAIL: optional(z.email('must be an email address')),
  ADMIN_PASSWORD: optional(z.string().min(12, 'must be at least 12 characters long')),
})

export type DatabaseKind = 'embedded' | 'postgres' | 'mongodb'

export type Env = Omit<z.infer<typeof schema>, 'PAYLOAD_SECRET' | 'DATABASE_URI'> & {
  PAYLOAD_SECRET: string
  /** The connection string actually used: DATABASE_URI, or the embedded server's address. */
  databaseUri: string
  databaseKind: DatabaseKind
  dataDir: string
}

/** Where development keeps the secret it generated, so sessions survive a restart. */
export const devSecretPath = (dataDir: string) => path.join(dataDir, 'payload-secret')

function developmentSecret(dataDir: string): string {
  const file = devSecretPath(dataDir)
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim()
  const secret = randomBytes(32).toString('hex')
  fs.mkdirSync(dataDir, { recursive: true })
  fs.writeFileSync(file, `${secret}\n`, { mode: 0o600 })
  return secret
}

export function embeddedDatabaseUri(host: string, port: number): string {
  return `postgres://postgres@${host}:${port}/postgres`
}

/** Validates the environment; throws a ConfigError whose message names every bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = schema.safeParse(source)
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`)
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`)
  }
  const { PAYLOAD_SECRET, DATABASE_URI, ...rest } = result.data
  const dataDir = path.resolve(rest.DATA_DIR)

  if (!PAYLOAD_SECRET && rest.NODE_ENV === 'production') {
    throw new ConfigError('Invalid configuration: PAYLOAD_SECRET is required in production (at least 32 characters, e.g. `openssl rand -hex 32`)')
  }

  const databaseKind: DatabaseKind = !DATABASE_URI ? 'embedded' : DATABASE_URI.startsWith('mongodb') ? 'mongodb' : 'postgres'
  return {
    ...rest,
    PAYLOAD_SECRET: PAYLOAD_SECRET ?? developmentSecret(dataDir),
    databaseUri: DATABASE_URI ?? embeddedDatabaseUri(rest.EMBEDDED_DB_HOST, rest.EMBEDDED_DB_PORT),
    databaseKind,
    dataDir,
  }
}

let parsed: Env | undefined

/** The process environment, parsed once. */
export function getEnv(): Env {
  parsed ??= parseEnv(process.env)
  return parsed
}
