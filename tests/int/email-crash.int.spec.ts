/**
 * A campaign whose worker is killed with SIGKILL mid-send and restarted: nobody is lost, and the only
 * people who get the alert twice are in batches the ledger records as interrupted (in doubt) and resent.
 */
import { sql } from '@payloadcms/db-postgres'
import type { Payload } from 'payload'
import { afterAll, beforeAll, expect, it } from 'vitest'

import { startMailSink, type MailSink } from '../../dev/mail-sink/sendgrid-sink'
import { body } from '../helpers/content'
import { waitFor } from '../helpers/log-file'
import { startTestPayload, type TestPayload } from '../helpers/payload'
import { FAST_PIPELINE } from '../helpers/pipeline'
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process'
import { keyWithinEvent } from '../helpers/unit-keys'

const SUBSCRIBERS = 10_000
const BATCH = 100
const API_KEY = 'SG.crash-test'

let ctx: TestPayload
let payload: Payload
let sink: MailSink
const running: WorkerProcess[] = []

beforeAll(async () => {
  sink = await startMailSink({ apiKey: API_KEY })
  ctx = await startTestPayload({ LOG_LEVEL: 'error' })
  payload = ctx.payload
  await payload.updateGlobal({ slug: 'site', data: { senderEmail: 'alerts@example.org' } })
  const db = (payload.db as unknown as { drizzle: { execute: (query: unknown) => Promise<unknown> } }).drizzle
  await db.execute(
    sql`insert into subscribers (email, status, urgent_only, confirmed_at, updated_at, created_at)
        select 'crash-' || n || '@example.net', 'confirmed', false, now(), now(), now() from generate_series(1, ${SUBSCRIBERS}::int) as n`,
  )
})
afterAll(async () => {
  await Promise.all(running.map((worker) => worker.stop('SIGKILL')))
  await ctx?.stop()
  await sink?.close()
})

const worker = () => {
  const started = startWorkerProcess(ctx, {
    ...FAST_PIPELINE,
    DELIVERY_CHANNELS: 'email',
    SENDGRID_API_KEY: API_KEY,
    SENDGRID_BASE_URL: sink.url,
    EMAIL_BATCH_SIZE: String(BATCH),
    WORKER_LOCK_MS: '2000',
    LOG_LEVEL: 'info',
  })
  running.push(started)
  return started
}

it('loses nobody and sends twice only within batches the ledger has as in doubt', async () => {
  sink.setFaults({ latencyMs: 60 })
  const first = worker()
  await first.ready
  const item = await payload.create({ collection: 'announcements', data: { title: 'Crash course', summary: 's', body, urgency: 'urgent', _status: 'published' } })
  const units = async () => (await payload.find({ collection: 'deliveries', where: { itemId: { equals: String(item.id) }, channel: { equals: 'email' } }, depth: 0, pagination: false })).docs

  // Kill it once a fifth of the batches are out, with a batch almost surely in flight.
  await waitFor(async () => (await units()).filter((unit) => unit.state === 'sent').length >= SUBSCRIBERS / BATCH / 5, 60_000, 'a fifth of the batches')
  await first.stop('SIGKILL')
  const interrupted = (await units()).filter((unit) => unit.state === 'sending').map((unit) => unit.unitKey)

  const second = worker()
  await second.ready
  await waitFor(async () => {
    const rows = await units()
    return rows.length === SUBSCRIBERS / BATCH && rows.every((unit) => unit.state === 'sent') && rows
  }, 120_000, 'every batch sent')

  const messages = sink.messages.filter((message) => message.subject === 'URGENT: Crash course')
  const perRecipient = new Map<string, number>()
  for (const message of messages) perRecipient.set(message.to, (perRecipient.get(message.to) ?? 0) + 1)
  expect(perRecipient.size).toBe(SUBSCRIBERS) // nobody lost

  const rows = await units()
  const resentBatches = new Set(rows.filter((unit) => unit.attempts > 1).map((unit) => keyWithinEvent(unit.unitKey, 'email')))
  const duplicated = messages.filter((message) => perRecipient.get(message.to)! > 1)
  const duplicatedBatches = new Set(duplicated.map((message) => message.customArgs.batch))
  for (const batch of duplicatedBatches) expect(resentBatches, `batch ${batch}`).toContain(batch)
  for (const key of interrupted) expect(resentBatches).toContain(keyWithinEvent(key, 'email'))
  console.log(
    `SIGKILL mid-campaign: ${SUBSCRIBERS} subscribers, ${rows.length} batches; interrupted (in doubt, resent): ${[...resentBatches].join(', ') || 'none'}; ` +
      `people who got it twice: ${new Set(duplicated.map((message) => message.to)).size}, all in those batches`,
  )

  // The workers' logs of all this: every job line names its event, item and channel; no line holds an
  // address or the API key.
  const output = running.map((process) => process.output()).join('')
  expect(output).not.toMatch(/[\w.-]+@example\.net/)
  expect(output).not.toContain(API_KEY)
  const jobLines = output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.msg === 'job done' && String(line.queue).startsWith('channel-'))
  expect(jobLines.length).toBeGreaterThan(0)
  for (const line of jobLines) expect(line).toMatchObject({ eventId: expect.anything(), itemId: String(item.id), collection: 'announcements', channel: 'email' })
}, 240_000)
