/**
 * Databases that start again must never meet the jobs of an earlier one. Row ids restart after a
 * reset (the data folder deleted) or a restore (last night's backup), while Redis keeps finished jobs
 * for days under the same QUEUE_PREFIX; and a staging install may share production's Redis. Each
 * scenario publishes through a process of its own per database, runs real worker processes on one
 * Redis and one prefix, and checks every channel: the ledger, the mail provider, Mastodon, the log.
 */
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

import { startMailSink, type MailSink } from '../../dev/mail-sink/sendgrid-sink'
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../src/lib/embedded-database'
import { startFakeMastodon, type FakeMastodon } from '../fakes/mastodon'
import { freePort } from '../helpers/free-port'
import { readLogLines, waitFor } from '../helpers/log-file'
import { FAST_PIPELINE } from '../helpers/pipeline'
import { runScript } from '../helpers/run-script'
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process'

const run = promisify(execFile)
const server = inject('databaseServerUri')
const onPostgres = !server?.startsWith('mongodb')
const SUBSCRIBERS = 3
const API_KEY = 'SG.installations'
const MASTODON_TOKEN = 'installations-token'
const SECRET = 'test-secret-that-is-long-enough-0123456789'
const redisUrl = inject('redisUrl')
/** One prefix for every installation here: what a reset install, a restore or a staging copy shares. */
const queuePrefix = `{test-${randomBytes(4).toString('hex')}}`

/** A database that can be backed up and restored the way its kind is: files of a stopped PGlite, or pg_dump/pg_restore. */
type Installation = {
  name: string
  dataDir: string
  uri: string
  env: Record<string, string>
  backup: () => Promise<void>
  restore: () => Promise<void>
  stop: () => Promise<void>
}

async function embeddedInstallation(name: string): Promise<Installation> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `installation-${name}-`))
  const files = path.join(dataDir, 'pglite')
  const backupFiles = path.join(dataDir, 'pglite-backup')
  const port = await freePort()
  let database: EmbeddedDatabase = await startEmbeddedDatabase({ dataDir: files, host: '127.0.0.1', port })
  const restart = async (between: () => void) => {
    await database.stop()
    between()
    database = await startEmbeddedDatabase({ dataDir: files, host: '127.0.0.1', port })
  }
  return {
    name,
    dataDir,
    uri: database.uri,
    env: { EMBEDDED_DB_PORT: String(port) },
    backup: () => restart(() => fs.cpSync(files, backupFiles, { recursive: true })),
    restore: () =>
      restart(() => {
        fs.rmSync(files, { recursive: true, force: true })
        fs.cpSync(backupFiles, files, { recursive: true })
      }),
    stop: async () => {
      await database.stop()
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

async function serverInstallation(name: string): Promise<Installation> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `installation-${name}-`))
  const database = `test_${randomBytes(6).toString('hex')}`
  const admin = async (query: string) => {
    const client = new pg.Client({ connectionString: server })
    await client.connect()
    await client.query(query)
    await client.end()
  }
  const url = new URL(server!)
  url.pathname = `/${database}`
  const uri = url.toString()
  const dump = path.join(dataDir, 'backup.dump')
  await admin(`CREATE DATABASE "${database}"`)
  return {
    name,
    dataDir,
    uri,
    env: { DATABASE_URI: uri },
    backup: async () => void (await run('pg_dump', ['-Fc', '-f', dump, uri])),
    restore: async () => {
      await admin(`DROP DATABASE "${database}" WITH (FORCE)`)
      await admin(`CREATE DATABASE "${database}"`)
      await run('pg_restore', ['--no-owner', '-d', uri, dump])
    },
    stop: async () => {
      await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`)
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

const installations: Installation[] = []
const newInstallation = async (name: string) => {
  const installation = server ? await serverInstallation(name) : await embeddedInstallation(name)
  installations.push(installation)
  return installation
}

let sink: MailSink
let mastodon: FakeMastodon
const workers: WorkerProcess[] = []

beforeAll(async () => {
  sink = await startMailSink({ apiKey: API_KEY })
  mastodon = await startFakeMastodon({ tokens: { [MASTODON_TOKEN]: 'northfield' } })
})

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop('SIGKILL')))
  await Promise.all(installations.map((installation) => installation.stop()))
  await Promise.all([sink?.close(), mastodon?.close()])
  // Every installation's namespace lives under the shared prefix.
  const { Redis } = await import('ioredis')
  const redis = new Redis(redisUrl)
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${queuePrefix}*`, 'COUNT', 1000)
    cursor = next
    if (keys.length > 0) await redis.del(...keys)
  } while (cursor !== '0')
  redis.disconnect()
})

const logFile = (installation: Installation) => path.join(installation.dataDir, 'deliveries.jsonl')

/** A worker process of `installation`, on the shared Redis and prefix, running every channel. */
async function startWorker(installation: Installation): Promise<WorkerProcess> {
  const worker = startWorkerProcess(
    { dataDir: installation.dataDir, databaseUri: installation.uri, queuePrefix, redisUrl },
    {
      ...FAST_PIPELINE,
      ...installation.env,
      PAYLOAD_SECRET: SECRET,
      DELIVERY_CHANNELS: 'log,feeds,email,social',
      LOG_CHANNEL_FILE: logFile(installation),
      SENDGRID_API_KEY: API_KEY,
      SENDGRID_BASE_URL: sink.url,
      PUBLIC_URL: 'https://news.example.org',
      LOG_LEVEL: 'info',
    },
  )
  workers.push(worker)
  await worker.ready
  return worker
}

type Published = { title: string; itemId: number; slug: string; eventId: number; eventUid: string; installation: Installation }

/** Publishes a statement on `installation`'s database, as an editor would, in a process of its own. */
async function publish(installation: Installation, title: string): Promise<Published> {
  const result = await runScript('tests/helpers/publish-statement.ts', {
    ...installation.env,
    DATA_DIR: installation.dataDir,
    PAYLOAD_SECRET: SECRET,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: queuePrefix,
    LOG_LEVEL: 'error',
    SUBSCRIBERS: String(SUBSCRIBERS),
    MASTODON_URL: mastodon.url,
    MASTODON_TOKEN,
    TITLE: title,
    URGENCY: 'urgent',
  }, 180_000)
  expect(result.status, result.stderr).toBe(0)
  return { title, installation, ...JSON.parse(result.stdout.trim().split('\n').pop()!) }
}

async function query<T>(installation: Installation, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: installation.uri })
  await client.connect()
  try {
    return (await client.query(text, values)).rows as T[]
  } finally {
    await client.end()
  }
}

/**
 * The statement went out on every channel, once: its event completed with every ledger unit sent on
 * log, feeds, email and social, each subscriber emailed once, one Mastodon post, one log line.
 */
async function expectDeliveredEverywhere(statement: Published) {
  const { installation } = statement
  const units = () =>
    query<{ channel: string; state: string; last_error: string | null }>(installation, 'select channel, state, last_error from deliveries where event_id = $1', [statement.eventId])
  // Social posts go out on their own queue after the event's jobs finish: wait for the ledger to settle.
  await waitFor(
    async () => {
      const [event] = await query<{ completed_at: Date | null }>(installation, 'select completed_at from outbox_events where id = $1', [statement.eventId])
      const settled = await units()
      return event?.completed_at && settled.every((unit) => unit.state !== 'pending' && unit.state !== 'sending')
    },
    60_000,
    `${statement.title}: its event completed and every unit settled on ${installation.name}`,
  ).catch(async (error: Error) => {
    throw new Error(`${error.message}: ${JSON.stringify(await units())}`)
  })
  const settled = await units()
  expect(new Set(settled.map((unit) => unit.channel)), statement.title).toEqual(new Set(['log', 'feeds', 'email', 'social']))
  expect(settled.filter((unit) => unit.state !== 'sent'), statement.title).toEqual([])
  const emails = sink.messages.filter((message) => message.subject.includes(statement.title))
  expect(emails.map((message) => message.to).sort(), statement.title).toEqual(Array.from({ length: SUBSCRIBERS }, (_, n) => `reader-${n + 1}@example.net`).sort())
  expect(mastodon.statuses.filter((status) => status.text.includes(`/announcements/${statement.slug}`)), statement.title).toHaveLength(1)
  expect(readLogLines(logFile(installation)).filter((line) => line.title === statement.title), statement.title).toHaveLength(1)
}

describe.runIf(onPostgres)('a database that starts again on a Redis holding an earlier one’s jobs', () => {
  it('delivers every channel after a reset, and two installations on one Redis and prefix both deliver everything', async () => {
    const first = await newInstallation('first')
    const before = await publish(first, 'Before the reset: referral system near breaking point')
    const firstWorker = await startWorker(first)
    await expectDeliveredEverywhere(before)
    await firstWorker.stop('SIGTERM')

    // The data folder deleted: a new database whose ids start at 1 again, on the same Redis and prefix.
    const reset = await newInstallation('reset')
    const afterReset = await publish(reset, 'After the reset: food banks ask for volunteers')
    expect(afterReset.eventId).toBe(before.eventId)
    await startWorker(reset)
    await expectDeliveredEverywhere(afterReset)

    // The first installation comes back beside it (a staging copy on production's Redis): each
    // delivers its own statements, and neither takes the other's jobs.
    await startWorker(first)
    const [onFirst, onReset] = await Promise.all([publish(first, 'Second on the first installation'), publish(reset, 'Second on the reset installation')])
    await expectDeliveredEverywhere(onFirst)
    await expectDeliveredEverywhere(onReset)
    expect(readLogLines(logFile(first)).map((line) => line.title).sort()).toEqual([before.title, onFirst.title].sort())
    expect(readLogLines(logFile(reset)).map((line) => line.title).sort()).toEqual([afterReset.title, onReset.title].sort())
  }, 600_000)

  it('delivers what is published after a restore from an earlier backup, whose ids were used since', async () => {
    const installation = await newInstallation('restored')
    const first = await publish(installation, 'Before the backup: the report is out')
    let worker = await startWorker(installation)
    await expectDeliveredEverywhere(first)
    await worker.stop('SIGTERM')
    await installation.backup()

    worker = await startWorker(installation)
    const lost = [await publish(installation, 'After the backup, lost in the restore: one'), await publish(installation, 'After the backup, lost in the restore: two')]
    for (const statement of lost) await expectDeliveredEverywhere(statement)
    await worker.stop('SIGTERM')

    // The database fails; last night's backup comes back. The ids of the two statements above are
    // handed out again, while Redis still holds their finished jobs.
    await installation.restore()
    await startWorker(installation)
    const afterRestore = [await publish(installation, 'After the restore: one'), await publish(installation, 'After the restore: two')]
    expect(afterRestore.map((statement) => statement.eventId)).toEqual(lost.map((statement) => statement.eventId))
    for (const statement of afterRestore) await expectDeliveredEverywhere(statement)
  }, 600_000)
})
