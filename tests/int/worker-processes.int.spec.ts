/**
 * Worker processes as they run in production, killed and stopped mid-flow, and several at once on one
 * queue: nothing lost, nothing sent twice beyond what the ledger records as retried.
 */
import fs from 'node:fs'
import path from 'node:path'

import type { Payload } from 'payload'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import type { Delivery, OutboxEvent } from '@/payload-types'

import { body } from '../helpers/content'
import { readLogLines, waitFor } from '../helpers/log-file'
import { startTestPayload, type TestPayload } from '../helpers/payload'
import { FAST_PIPELINE } from '../helpers/pipeline'
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process'

let ctx: TestPayload
let payload: Payload
let logFile: string
const running: WorkerProcess[] = []

beforeAll(async () => {
  ctx = await startTestPayload()
  payload = ctx.payload
  logFile = path.join(ctx.dataDir, 'deliveries.jsonl')
})
afterEach(async () => {
  await Promise.all(running.splice(0).map((worker) => worker.stop('SIGKILL')))
})
afterAll(async () => {
  await ctx?.stop()
})

const worker = (env: Record<string, string> = {}) => {
  const started = startWorkerProcess(ctx, { ...FAST_PIPELINE, WORKER_LOCK_MS: '2000', LOG_CHANNEL_FILE: logFile, LOG_LEVEL: 'info', ...env })
  running.push(started)
  return started
}

/** Publishes `count` announcements, every other one urgent, and returns their outbox events. */
async function publishMany(count: number, label: string): Promise<OutboxEvent[]> {
  const items = []
  for (let i = 0; i < count; i++) {
    items.push(
      await payload.create({
        collection: 'announcements',
        data: { title: `${label} ${i}`, summary: 'S', body, urgency: i % 2 ? 'urgent' : 'standard', _status: 'published' },
      }),
    )
  }
  const { docs } = await payload.find({
    collection: 'outbox-events',
    where: { itemId: { in: items.map((item) => String(item.id)) }, collection: { equals: 'announcements' } },
    depth: 0,
    pagination: false,
  })
  expect(docs).toHaveLength(count)
  return docs
}

const deliveriesOf = async (events: OutboxEvent[]) =>
  (await payload.find({ collection: 'deliveries', where: { event: { in: events.map((event) => event.id) } }, depth: 0, pagination: false })).docs

const linesPerEvent = () => {
  const counts = new Map<number, number>()
  for (const line of readLogLines(logFile)) counts.set(line.eventId, (counts.get(line.eventId) ?? 0) + 1)
  return counts
}

/** Every event has its one unit, and it has settled: sent, or held in doubt for staff. */
const settled = async (events: OutboxEvent[]) => {
  const rows = await deliveriesOf(events)
  return rows.length === events.length && rows.every((row) => row.state === 'sent' || row.state === 'in_doubt') && rows
}

const eventOf = (row: Delivery) => Number(typeof row.event === 'object' ? row.event.id : row.event)

describe('worker processes', () => {
  it('killed with SIGKILL mid-flow and restarted: every unit ends sent, or in doubt if it was mid-send; none lost', async () => {
    const first = worker()
    await first.ready
    const events = await publishMany(40, 'Killed')
    const ids = new Set(events.map((event) => Number(event.id)))
    await waitFor(() => [...linesPerEvent().keys()].filter((id) => ids.has(id)).length >= 5, 30_000, 'the first deliveries')
    expect(await first.stop('SIGKILL')).toBeNull()

    const second = worker()
    await second.ready
    const rows = await waitFor(() => settled(events), 120_000, 'every unit to settle')
    const lines = linesPerEvent()
    for (const row of rows) {
      const delivered = lines.get(eventOf(row)) ?? 0
      // A second copy only ever follows a recorded retry of an interrupted send.
      expect(delivered).toBeLessThanOrEqual(row.attempts)
      if (row.state === 'sent') expect(delivered).toBeGreaterThanOrEqual(1)
      // The default policy resends urgent units found in doubt; only standard ones wait for staff.
      if (row.state === 'in_doubt') expect(row.urgency).toBe('standard')
    }
    const inDoubt = rows.filter((row) => row.state === 'in_doubt').length
    const resent = rows.filter((row) => row.attempts > 1).length
    console.log(`SIGKILL: ${rows.length} units, ${rows.length - inDoubt} sent, ${inDoubt} in doubt, ${resent} attempted more than once`)
  }, 180_000)

  it('stopped with SIGTERM mid-flow: in-flight jobs finish, nothing is left in doubt, nothing is sent twice', async () => {
    const first = worker()
    await first.ready
    const events = await publishMany(40, 'Terminated')
    const ids = new Set(events.map((event) => Number(event.id)))
    await waitFor(() => [...linesPerEvent().keys()].filter((id) => ids.has(id)).length >= 5, 30_000, 'the first deliveries')
    expect(await first.stop('SIGTERM')).toBe(0)
    expect(first.output()).toContain('worker stopped')

    const afterStop = await deliveriesOf(events)
    expect(afterStop.filter((row) => row.state === 'sending' || row.state === 'in_doubt')).toEqual([])

    const second = worker()
    await second.ready
    const rows = await waitFor(() => settled(events), 120_000, 'every unit to settle')
    expect(rows.every((row) => row.state === 'sent' && row.attempts === 1)).toBe(true)
    const lines = linesPerEvent()
    expect(events.map((event) => lines.get(Number(event.id)))).toEqual(events.map(() => 1))
  }, 180_000)

  it('three on one queue share the work and deliver no unit twice', async () => {
    const workers = [worker(), worker(), worker()]
    await Promise.all(workers.map((w) => w.ready))
    const events = await publishMany(60, 'Shared')
    const rows = await waitFor(() => settled(events), 120_000, 'every unit to settle')
    expect(rows.every((row) => row.state === 'sent' && row.attempts === 1)).toBe(true)
    const lines = linesPerEvent()
    expect(events.map((event) => lines.get(Number(event.id)))).toEqual(events.map(() => 1))
    const busy = workers.filter((w) => /"queue":"channel-log-(urgent|standard)".*"msg":"job done"/.test(w.output())).length
    expect(busy).toBeGreaterThanOrEqual(2)
  }, 180_000)
})

it('leaves the log file of this run only', () => {
  expect(fs.existsSync(logFile)).toBe(true)
})
