/**
 * The whole pipeline (feeds, email, social) on its worst day. 20,000 subscribers and four social
 * accounts get four statements while a driver kills a worker with SIGKILL three times at random
 * points, restarts Redis, restarts the database (on the PostgreSQL run: a server of the test's own),
 * makes the mail provider answer 429 and 500 for a while and Mastodon answer 503. Staff then act as
 * the product asks them to: units held in doubt are resent. At the end the ledger is reconciled
 * against what each provider received: nothing lost, and every duplicate inside a unit the ledger
 * records as interrupted (in doubt).
 */
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { sql } from '@payloadcms/db-postgres'
import { Queue } from 'bullmq'
import { parseFeed } from 'feedsmith'
import type { Payload } from 'payload'
import { afterAll, beforeAll, expect, inject, it } from 'vitest'

import type { Announcement, Delivery } from '@/payload-types'

import { startMailSink, type MailSink } from '../../dev/mail-sink/sendgrid-sink'
import { startFakeBluesky, type FakeBluesky } from '../fakes/bluesky'
import { startFakeMastodon, type FakeMastodon } from '../fakes/mastodon'
import { startFakeWebhookReceiver, type FakeWebhookReceiver } from '../fakes/webhook-receiver'
import { startFakeWebSubHub, type FakeWebSubHub } from '../fakes/websub-hub'
import { authHeaders, body, createUser } from '../helpers/content'
import { waitFor } from '../helpers/log-file'
import { startOwnPostgres, type OwnPostgres } from '../helpers/own-postgres'
import { startTestPayload, type TestPayload } from '../helpers/payload'
import { FAST_PIPELINE } from '../helpers/pipeline'
import { startOwnRedis, type OwnRedis } from '../helpers/redis-server'
import { rest } from '../helpers/rest'
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process'
import { keyWithinEvent } from '../helpers/unit-keys'
import type { FaultResult, FaultRow } from './fault-result'

const SUBSCRIBERS = 20_000
const BATCH = 500
const SITE = 'https://news.example.org'
const API_KEY = 'SG.fault-suite'
const MASTODON_TOKENS = { 'fault-token-national': 'northfield', 'fault-token-cymru': 'northfield_cymru' }
const BLUESKY = { handle: 'northfield.bsky.social', did: 'did:plc:faultsuiteaccount001', password: 'flt1-suit-app0-pass' }
const WEBHOOK_SECRET = `whsec_${randomBytes(24).toString('base64')}`

/**
 * A failure can be replayed: FAULT_SEED picks the same kill points again. `npm run test:faults` runs
 * this file once per seed of FAULT_SEEDS (tests/faults/run-seeds.ts) and reads what it wrote to
 * FAULT_RESULT: the reconciliation rows and the event log, whether the run passed or not.
 */
const seed = Number(process.env.FAULT_SEED ?? Date.now() % 1_000_000)
let state = seed
const random = () => {
  // mulberry32
  state = (state + 0x6d2b79f5) | 0
  let t = Math.imul(state ^ (state >>> 15), 1 | state)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const between = (min: number, max: number) => Math.round(min + random() * (max - min))
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const redisDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fault-redis-'))
let redis: OwnRedis
let postgres: OwnPostgres | undefined
let sink: MailSink
let mastodon: FakeMastodon
let bluesky: FakeBluesky
let webhook: FakeWebhookReceiver
let hub: FakeWebSubHub
let ctx: TestPayload
let payload: Payload
let staff: Record<string, string>
let feedsDir: string
/** Each social account by how the reconciliation names it (network:username), with its id. */
const accounts = new Map<string, number>()
const workers: WorkerProcess[] = []
const everyWorker: WorkerProcess[] = []

beforeAll(async () => {
  redis = await startOwnRedis({ dir: redisDir })
  // The PostgreSQL run restarts its database, so it gets a server of its own, not the shared one.
  if (inject('databaseServerUri')) postgres = await startOwnPostgres()
  sink = await startMailSink({ apiKey: API_KEY })
  mastodon = await startFakeMastodon({ tokens: MASTODON_TOKENS })
  bluesky = await startFakeBluesky({ accounts: [BLUESKY] })
  webhook = await startFakeWebhookReceiver(WEBHOOK_SECRET)
  hub = await startFakeWebSubHub()
  ctx = await startTestPayload({ LOG_LEVEL: 'error', PUBLIC_URL: SITE }, { redisUrl: redis.url, databaseServerUri: postgres?.uri })
  payload = ctx.payload
  feedsDir = path.join(ctx.dataDir, 'feeds')
  await payload.updateGlobal({ slug: 'site', data: { organisationName: 'Northfield Food Network', senderEmail: 'alerts@example.org' } })
  const db = (payload.db as unknown as { drizzle: { execute: (query: unknown) => Promise<unknown> } }).drizzle
  await db.execute(
    sql`insert into subscribers (email, status, urgent_only, confirmed_at, updated_at, created_at)
        select 'reader-' || n || '@example.net', 'confirmed', false, now(), now(), now() from generate_series(1, ${SUBSCRIBERS}::int) as n`,
  )
  await db.execute(sql`analyze subscribers`)
  const schedule = { timeZone: 'Europe/London', slots: [] }
  const urgencies: Announcement['urgency'][] = ['urgent', 'standard']
  for (const [token, username] of Object.entries(MASTODON_TOKENS)) {
    const account = await payload.create({ collection: 'accounts', data: { network: 'mastodon', displayName: username, baseUrl: mastodon.url, secret: token, urgencies, schedule } })
    accounts.set(`mastodon:${username}`, account.id)
  }
  const sky = await payload.create({ collection: 'accounts', data: { network: 'bluesky', displayName: 'Bluesky', baseUrl: bluesky.url, identifier: BLUESKY.handle, secret: BLUESKY.password, urgencies, schedule } })
  accounts.set('bluesky', sky.id)
  const partner = await payload.create({ collection: 'accounts', data: { network: 'webhook', displayName: 'Partner webhook', baseUrl: webhook.url, secret: WEBHOOK_SECRET, urgencies, schedule } })
  accounts.set('webhook', partner.id)
  staff = await authHeaders(payload, await createUser(payload, 'editor'))
}, 300_000)

afterAll(async () => {
  if (process.env.FAULT_RESULT) {
    const result: FaultResult = { seed, database: postgres ? 'PostgreSQL server' : 'embedded PGlite', rows: table, staff: staffSummary, timeline }
    fs.writeFileSync(process.env.FAULT_RESULT, JSON.stringify(result))
  }
  finished = true
  await Promise.all(everyWorker.map((worker) => worker.stop('SIGKILL')))
  await ctx?.stop()
  await Promise.all([sink?.close(), mastodon?.close(), bluesky?.close(), webhook?.close(), hub?.close()])
  await redis?.stop()
  fs.rmSync(redisDir, { force: true, recursive: true })
  postgres?.stop()
})

const started = Date.now()
const timeline: string[] = []
/** The reconciliation, once the pipeline settled; what staff did to get there. */
let table: (Row & Pick<FaultRow, 'interruptedUnits'>)[] = []
let staffSummary = ''
const note = (what: string) => timeline.push(`+${((Date.now() - started) / 1000).toFixed(1)} s  ${what}`)
const killed = new Set<WorkerProcess>()
const readyWorkers = new Set<WorkerProcess>()

/**
 * Starts the worker process of `slot` and, as docker-compose's `restart: unless-stopped` does, starts
 * it again a second after it exits of its own accord (a worker refuses to start while Redis or the
 * database does not answer). The driver's SIGKILLs are its own to follow up.
 */
const startWorker = (slot: number): WorkerProcess => {
  const worker = startWorkerProcess(ctx, {
    ...FAST_PIPELINE,
    DELIVERY_CHANNELS: 'feeds,email,social',
    REDIS_URL: redis.url,
    PUBLIC_URL: SITE,
    FEEDS_DIR: feedsDir,
    WEBSUB_HUB_URL: hub.url,
    SENDGRID_API_KEY: API_KEY,
    SENDGRID_BASE_URL: sink.url,
    EMAIL_BATCH_SIZE: String(BATCH),
    WORKER_LOCK_MS: '3000',
    // info: the helper waits for the "worker ready" line.
    LOG_LEVEL: 'info',
  })
  everyWorker.push(worker)
  workers[slot] = worker
  worker.ready.then(
    () => readyWorkers.add(worker),
    () => undefined,
  )
  worker.child.once('exit', (code) => {
    if (killed.has(worker) || finished) return
    note(`worker ${slot + 1} exited (${code}): ${worker.output().trim().split('\n').pop()}; restarted a second later`)
    setTimeout(() => startWorker(slot), 1_000)
  })
  return worker
}
/** Every slot's current process is up. */
const allWorkersReady = () => waitFor(() => workers.every((worker) => readyWorkers.has(worker)), 120_000, 'every worker up')
let finished = false

it('loses nothing and doubles only what the ledger holds as in doubt, through kills, restarts and provider errors', async () => {
  const accepted = () => sink.accepted()
  /** Waits until the mail provider has accepted `count` emails in all: the faults land mid-campaign. */
  const untilAccepted = (count: number) => waitFor(() => accepted() >= count, 120_000, `${count} emails accepted`)
  const killWorker = async () => {
    // A worker that is up (killing one still starting would test nothing), and the one sending email
    // when there is one: a campaign's job runs on one process at a time.
    const busy = await waitFor(
      async () => {
        const sending = await sendingWorkerPids()
        const found = workers.filter((worker) => readyWorkers.has(worker) && sending.has(worker.child.pid!))
        return found.length > 0 && found
      },
      5_000,
      'a worker sending email',
    ).catch(() => [])
    if (busy.length === 0) await waitFor(() => workers.some((worker) => readyWorkers.has(worker)), 120_000, 'a worker up')
    const candidates = busy.length > 0 ? busy : workers.filter((worker) => readyWorkers.has(worker))
    const victim = candidates[between(0, candidates.length - 1)]!
    const index = workers.indexOf(victim)
    killed.add(victim)
    await victim.stop('SIGKILL')
    note(`SIGKILL worker ${index + 1}${busy.length > 0 ? ', mid-campaign' : ''} (${accepted()} emails accepted so far)`)
    startWorker(index)
  }
  const items: Announcement[] = []
  const publish = async (label: string, urgency: Announcement['urgency']) => {
    const item = await payload.create({
      collection: 'announcements',
      data: { title: `Fault drill ${label}: referral system near breaking point`, summary: `Statement ${label} of the drill.`, body, urgency, _status: 'published' },
    })
    items.push(item)
    note(`published ${label} (${urgency})`)
  }

  startWorker(0)
  startWorker(1)
  await allWorkersReady()
  // A provider that takes a quarter of a second per request, so a campaign is long enough to be hit.
  sink.setFaults({ latencyMs: 250 })

  await publish('A', 'urgent')
  await untilAccepted(between(1_000, 15_000))
  await killWorker()

  await publish('B', 'standard')
  await untilAccepted(SUBSCRIBERS + between(500, 3_000))
  sink.setFaults({ rate429: 0.3, rate500: 0.1, retryAfterSeconds: 1 })
  note('mail provider answers 429 to 30 % and 500 to 10 % of requests')
  await sleep(between(500, 1_500))
  await redis.stop()
  note(`Redis stopped (${accepted()} emails accepted so far)`)
  await sleep(1_500)
  redis = await startOwnRedis({ port: redis.port, dir: redisDir })
  note('Redis started again (append-only file kept)')
  await untilAccepted(Math.max(accepted() + 1_000, SUBSCRIBERS * 1.5 + between(0, 5_000)))
  await killWorker()
  sink.setFaults({ rate429: 0, rate500: 0 })
  note('mail provider healthy again')

  mastodon.failNext(Number.MAX_SAFE_INTEGER, 503)
  note('Mastodon answers 503 to every post')
  await publish('C', 'urgent')
  await untilAccepted(Math.max(accepted() + 1_000, SUBSCRIBERS * 2 + between(1_000, 8_000)))
  if (postgres) {
    await postgres.restart()
    note(`PostgreSQL restarted: immediate shutdown, crash recovery (${accepted()} emails accepted so far)`)
    // Staff publish once the admin works again: a save during the restart fails and changes nothing.
    await waitFor(() => payload.count({ collection: 'announcements' }).then(() => true, () => false), 60_000, 'the database to answer the app')
  }
  await publish('D', 'standard')
  await untilAccepted(Math.max(accepted() + 500, SUBSCRIBERS * 3 + between(1_000, 12_000)))
  await killWorker()
  mastodon.failNext(0, 503)
  note('Mastodon healthy again')

  // The pipeline first recovers on its own: every unit sent, or nothing has moved for 10 s. Then staff
  // do what the Distribution panel asks of them: a unit held in doubt is sent again (they accept that
  // some people may get it twice) and a unit still failed is retried.
  const staffActions = { resent: 0, retried: 0 }
  const ids = items.map((item) => String(item.id))
  const units = async () =>
    (await payload.find({ collection: 'deliveries', where: { itemId: { in: ids } }, depth: 0, pagination: false, sort: 'id' })).docs
  const allSent = async () => {
    const rows = await units()
    const { totalDocs: open } = await payload.count({ collection: 'outbox-events', where: { completedAt: { exists: false } } })
    return open === 0 && rows.length > 0 && rows.every((unit) => unit.state === 'sent') && rows
  }
  let quietSince = Date.now()
  let lastChange = ''
  await waitFor(
    async () => {
      if (await allSent()) return true
      const rows = await units()
      const change = rows.map((unit) => `${unit.id}:${unit.state}:${unit.attempts}`).join()
      if (change !== lastChange) [lastChange, quietSince] = [change, Date.now()]
      return Date.now() - quietSince > 10_000
    },
    300_000,
    'the pipeline to recover or come to rest',
  )
  note('the pipeline recovered or came to rest on its own')
  for (const row of await units()) {
    if (row.state !== 'in_doubt' && row.state !== 'failed') continue
    const action = row.state === 'in_doubt' ? 'resend' : 'retry'
    const answer = await rest('POST', `/api/deliveries/${row.id}/${action}`, { headers: staff })
    expect(answer.status, answer.text).toBe(202)
    staffActions[action === 'resend' ? 'resent' : 'retried']++
    note(`staff ${action} ${row.unitKey}: ${row.lastError}`)
  }
  await waitFor(allSent, 300_000, 'every event completed and every unit sent').catch(async (error: Error) => {
    const open = await payload.find({ collection: 'outbox-events', where: { completedAt: { exists: false } }, depth: 0, pagination: false })
    const unsent = (await units()).filter((unit) => unit.state !== 'sent').map((unit) => `${unit.unitKey} ${unit.state} (${unit.attempts} attempts): ${unit.lastError ?? ''}`)
    throw new Error(
      [error.message, ...timeline, `open events: ${open.docs.map((event) => `${event.id} ${event.kind} item ${event.itemId}`).join(', ') || 'none'}`, 'units not sent:', ...unsent].join('\n'),
    )
  })
  await allWorkersReady()
  finished = true
  staffSummary = `staff resent ${staffActions.resent} in-doubt unit(s) and retried ${staffActions.retried} failed one(s)`
  note(`settled; ${staffSummary}`)

  const rows = await units()
  const interrupted = (channel: string) => new Set(rows.filter((unit) => unit.channel === channel && unit.interruptedAt).map((unit) => unit.unitKey))
  const unitsInDoubt = (channel: string) => `${interrupted(channel).size} of ${rows.filter((unit) => unit.channel === channel).length}`
  table = [emailRow(items, rows, interrupted('email')), socialRow(items, rows, interrupted('social')), await feedRow(items)].map((row) => ({
    ...row,
    interruptedUnits: unitsInDoubt(row.ledgerChannel),
  }))

  console.log(
    [
      `fault suite (seed ${seed}, ${postgres ? 'PostgreSQL server' : 'embedded PGlite'}, ${SUBSCRIBERS} subscribers, ${accounts.size} accounts, ${items.length} statements)`,
      ...timeline,
      '',
      '| channel | ledger units interrupted (in doubt) | expected | delivered | duplicates | of which in doubt | lost |',
      '| --- | --: | --: | --: | --: | --: | --: |',
      ...table.map((row) => `| ${row.channel} | ${row.interruptedUnits} | ${row.expected} | ${row.delivered} | ${row.duplicates} | ${row.inDoubt} | ${row.lost} |`),
      `mail provider answered, by status: ${JSON.stringify(sink.answered)}`,
    ].join('\n'),
  )

  for (const row of table) {
    expect(row.lost, `${row.channel}: lost`).toBe(0)
    expect(row.duplicates - row.inDoubt, `${row.channel}: duplicates the ledger does not hold as in doubt`).toBe(0)
  }
  expect(timeline.filter((line) => line.includes('SIGKILL'))).toHaveLength(3)
}, 900_000)

/** The worker processes running an email job now (BullMQ records the worker's name, host:pid, on the job). */
async function sendingWorkerPids(): Promise<Set<number>> {
  const pids = new Set<number>()
  for (const lane of ['urgent', 'standard']) {
    const queue = new Queue(`channel-email-${lane}`, { connection: { url: redis.url }, prefix: ctx.queueNamespace })
    for (const job of await queue.getActive()) if (job.processedBy) pids.add(Number(job.processedBy.split(':').pop()))
    await queue.close()
  }
  return pids
}

type Row = Omit<FaultRow, 'interruptedUnits'> & { ledgerChannel: string }

/** Every person once per statement; a second copy counts as in doubt if its batch was interrupted. */
function emailRow(items: Announcement[], rows: Delivery[], interruptedUnits: Set<string>): Row {
  const row: Row = { channel: 'email (recipients)', ledgerChannel: 'email', expected: items.length * SUBSCRIBERS, delivered: 0, duplicates: 0, inDoubt: 0, lost: 0 }
  for (const item of items) {
    const eventOf = new Map(rows.filter((unit) => unit.itemId === String(item.id) && unit.channel === 'email').map((unit) => [keyWithinEvent(unit.unitKey, 'email'), unit.unitKey]))
    const copies = new Map<string, { count: number; batch: string }>()
    for (const message of sink.messages) {
      if (!message.subject.includes(item.title)) continue
      const seen = copies.get(message.to)
      copies.set(message.to, { count: (seen?.count ?? 0) + 1, batch: message.customArgs.batch! })
    }
    row.delivered += copies.size
    for (const { count, batch } of copies.values()) {
      row.duplicates += count - 1
      if (count > 1 && interruptedUnits.has(eventOf.get(batch) ?? '')) row.inDoubt += count - 1
    }
  }
  row.lost = row.expected - row.delivered
  return row
}

/** One post per account and statement on each network; a repeat counts as in doubt if its unit was interrupted. */
function socialRow(items: Announcement[], rows: Delivery[], interruptedUnits: Set<string>): Row {
  const row: Row = { channel: 'social (posts)', ledgerChannel: 'social', expected: items.length * accounts.size, delivered: 0, duplicates: 0, inDoubt: 0, lost: 0 }
  for (const item of items) {
    const link = `/announcements/${item.slug}`
    const perAccount = new Map<string, number>()
    const count = (account: string) => perAccount.set(account, (perAccount.get(account) ?? 0) + 1)
    for (const status of mastodon.statuses) if (!status.deleted && status.text.includes(link)) count(`mastodon:${status.account}`)
    for (const record of bluesky.records) if (!record.deleted && JSON.stringify(record.record).includes(link)) count('bluesky')
    for (const message of webhook.received) if (message.body.type === 'post.created' && String(message.body.link).includes(link)) count('webhook')
    const unitOf = (account: string) => rows.find((unit) => unit.itemId === String(item.id) && unit.unitKey.endsWith(`-social-post-${accounts.get(account)}`))
    row.delivered += perAccount.size
    for (const [account, copies] of perAccount) {
      row.duplicates += copies - 1
      if (copies > 1 && interruptedUnits.has(unitOf(account)?.unitKey ?? '')) row.inDoubt += copies - 1
    }
  }
  row.lost = row.expected - row.delivered
  return row
}

/** Each statement once in the main feed file nginx serves, under one guid. */
async function feedRow(items: Announcement[]): Promise<Row> {
  const feed = parseFeed(fs.readFileSync(path.join(feedsDir, 'feed.xml'), 'utf8'))
  const entries = (feed.feed as { items?: { guid?: { value?: string } | string; link?: string }[] }).items ?? []
  const row: Row = { channel: 'feed entries (/feed.xml)', ledgerChannel: 'feeds', expected: items.length, delivered: 0, duplicates: 0, inDoubt: 0, lost: 0 }
  for (const item of items) {
    const copies = entries.filter((entry) => entry.link?.endsWith(`/announcements/${item.slug}`)).length
    if (copies > 0) row.delivered++
    row.duplicates += Math.max(0, copies - 1)
  }
  row.lost = row.expected - row.delivered
  return row
}
