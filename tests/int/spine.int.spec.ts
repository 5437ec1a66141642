/** The publish spine in one process: outbox → relay → flow → channel processor → ledger. */
import fs from 'node:fs'
import path from 'node:path'

import { FlowProducer, Queue } from 'bullmq'
import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { Urgency } from '../../src/domain/events'
import { channelQueue, fanoutQueue, LANES } from '../../src/jobs/queues'
import { jobOptions } from '../../src/jobs/options'
import { sweepExpiries } from '../../src/collections/Announcements/expiry-sweep'
import { flowFor, relayOnce } from '../../workers/relay'
import { createItem } from '../helpers/content'
import { readLogLines, waitFor } from '../helpers/log-file'
import { startTestPipeline, type TestPipeline } from '../helpers/pipeline'

let ctx: TestPipeline
let payload: Payload
let logFile: string

beforeAll(async () => {
  ctx = await startTestPipeline()
  payload = ctx.payload
  logFile = ctx.logFile
})
afterAll(async () => {
  await ctx?.stop()
})

const deliveriesOf = async (eventId: number) =>
  (await payload.find({ collection: 'deliveries', where: { event: { equals: eventId } }, depth: 0, pagination: false })).docs

const eventsOf = async (itemId: number) =>
  (await payload.find({ collection: 'outbox-events', where: { itemId: { equals: String(itemId) }, collection: { equals: 'announcements' } }, sort: 'id', depth: 0, pagination: false })).docs

const sentLinesFor = (eventId: number) => readLogLines(logFile).filter((line) => line.eventId === eventId)

describe('a publish', () => {
  it('becomes one event, one flow, and one delivery per channel, once', async () => {
    const item = await createItem(payload, 'announcements', { status: 'published', title: 'Spine: published' })
    const [event] = await eventsOf(item.id)
    expect(event?.kind).toBe('publish')

    await waitFor(async () => (await payload.findByID({ collection: 'outbox-events', id: event!.id })).completedAt, 20_000, 'the flow to complete')
    const [delivery, ...others] = await deliveriesOf(event!.id)
    expect(others).toEqual([])
    expect(delivery).toMatchObject({ channel: 'log', state: 'sent', attempts: 1, lastError: null, urgency: 'standard' })
    expect(sentLinesFor(event!.id)).toEqual([expect.objectContaining({ kind: 'publish', title: 'Spine: published', versionId: event!.versionId })])
  })

  it('is not delivered again when the relay runs again or the event is re-added', async () => {
    const item = await createItem(payload, 'announcements', { status: 'published' })
    const [event] = await eventsOf(item.id)
    await waitFor(async () => (await payload.findByID({ collection: 'outbox-events', id: event!.id })).completedAt, 20_000, 'the flow')

    // As if a relay had crashed between adding the flow and marking the event.
    await payload.update({ collection: 'outbox-events', id: event!.id, data: { dispatchedAt: null } })
    const prefix = ctx.queueNamespace
    const flows = new FlowProducer({ connection: { host: new URL(ctx.redisUrl).hostname, port: Number(new URL(ctx.redisUrl).port || 6379) }, prefix })
    const fanoutQueues = Object.fromEntries(LANES.map((lane) => [lane, new Queue(fanoutQueue(lane), { connection: flows.opts.connection, prefix })])) as Record<Urgency, Queue>
    const logQueue = new Queue(channelQueue('log', 'standard'), { connection: flows.opts.connection, prefix })
    try {
      const before = await logQueue.getJobCounts()
      await waitFor(async () => (await payload.findByID({ collection: 'outbox-events', id: event!.id })).dispatchedAt, 5_000, 'the relay to mark it again')
      await relayOnce({ payload, flows, fanoutQueues, channels: ['log'], jobOptions: jobOptions({ JOB_ATTEMPTS: 3, JOB_BACKOFF_MS: 100 }) })
      const fresh = await payload.findByID({ collection: 'outbox-events', id: event!.id })
      await flows.add(flowFor(fresh, ['log'], jobOptions({ JOB_ATTEMPTS: 3, JOB_BACKOFF_MS: 100 })))
      await new Promise((resolve) => setTimeout(resolve, 500))
      expect(await logQueue.getJobCounts()).toEqual(before)
      expect(sentLinesFor(event!.id)).toHaveLength(1)
      expect(await deliveriesOf(event!.id)).toHaveLength(1)
    } finally {
      await Promise.all([flows.close(), logQueue.close(), ...Object.values(fanoutQueues).map((queue) => queue.close())])
    }
  })

  it('is followed by update and retract events that are delivered in order', async () => {
    const item = await createItem(payload, 'announcements', { status: 'published' })
    await payload.update({ collection: 'announcements', id: item.id, data: { summary: 'Corrected figures.' } })
    await payload.update({ collection: 'announcements', id: item.id, data: { _status: 'draft' } })
    const events = await eventsOf(item.id)
    expect(events.map((event) => event.kind)).toEqual(['publish', 'update', 'retract'])
    await waitFor(async () => events.every((event) => sentLinesFor(event.id).length === 1), 20_000, 'three deliveries')
  })
})

describe('failures', () => {
  it('fail a unit at once, with its reason, when the error cannot be retried; staff see it', async () => {
    fs.rmSync(logFile, { force: true })
    fs.mkdirSync(logFile) // a directory where the file should be: waiting will not fix it
    try {
      const item = await createItem(payload, 'announcements', { status: 'published' })
      const [event] = await eventsOf(item.id)
      const delivery = await waitFor(async () => (await deliveriesOf(event!.id)).find((row) => row.state === 'failed'), 20_000, 'the failed unit')
      await new Promise((resolve) => setTimeout(resolve, 500)) // a retry would show as a second attempt
      const after = (await deliveriesOf(event!.id))[0]!
      expect(after.state).toBe('failed')
      expect(after.attempts).toBe(1)
      expect(delivery.lastError).toBe(`Could not append to the log file ${logFile} (EISDIR)`)
    } finally {
      fs.rmSync(logFile, { recursive: true, force: true })
    }
  })

  it('are retried with backoff when they may pass, and the unit ends sent', async () => {
    fs.rmSync(path.dirname(logFile), { recursive: true, force: true }) // the disk is not there yet
    const item = await createItem(payload, 'announcements', { status: 'published' })
    const [event] = await eventsOf(item.id)
    const failed = await waitFor(async () => (await deliveriesOf(event!.id)).find((row) => row.state === 'failed' && row.attempts >= 2), 20_000, 'two failed attempts')
    expect(failed.lastError).toMatch(/\(ENOENT\)$/)
    fs.mkdirSync(path.dirname(logFile))
    const sent = await waitFor(async () => (await deliveriesOf(event!.id)).find((row) => row.state === 'sent'), 20_000, 'the unit to be sent')
    expect(sent.attempts).toBeGreaterThan(2)
    expect(sent.lastError).toBeNull()
    expect(sentLinesFor(event!.id)).toHaveLength(1)
  })
})

describe('the urgent lane', () => {
  it('delivers urgent items while standard work waits', async () => {
    const standardQueue = new Queue(channelQueue('log', 'standard'), { connection: { host: new URL(ctx.redisUrl).hostname, port: Number(new URL(ctx.redisUrl).port || 6379) }, prefix: ctx.queueNamespace })
    await standardQueue.pause()
    try {
      const standard = await createItem(payload, 'announcements', { status: 'published', title: 'Standard, behind' })
      const urgent = await payload.create({
        collection: 'announcements',
        data: { title: 'Urgent, ahead', summary: 'S', body: (await import('../helpers/content')).body, urgency: 'urgent', _status: 'published' },
      })
      const [urgentEvent] = await eventsOf(urgent.id)
      const [standardEvent] = await eventsOf(standard.id)
      await waitFor(() => sentLinesFor(urgentEvent!.id).length === 1, 20_000, 'the urgent delivery')
      expect(sentLinesFor(standardEvent!.id)).toEqual([])
      await standardQueue.resume()
      await waitFor(() => sentLinesFor(standardEvent!.id).length === 1, 20_000, 'the standard delivery')
    } finally {
      await standardQueue.resume()
      await standardQueue.close()
    }
  })
})

describe('expiry', () => {
  it('writes one expire event per expiry, however often the sweep runs', async () => {
    const item = await createItem(payload, 'announcements', { status: 'published' })
    const soon = new Date(Date.now() + 1_000).toISOString()
    await payload.update({ collection: 'announcements', id: item.id, context: { skipFanout: true }, data: { expiresAt: soon } })
    expect(await sweepExpiries(payload, new Date(Date.now() - 60_000))).toBe(0)
    const later = new Date(Date.now() + 5_000)
    const first = await sweepExpiries(payload, later)
    const second = await sweepExpiries(payload, later)
    expect(first).toBeGreaterThanOrEqual(1)
    expect(second).toBe(0)
    const expiries = (await eventsOf(item.id)).filter((event) => event.kind === 'expire')
    expect(expiries).toHaveLength(1)
    await waitFor(() => sentLinesFor(expiries[0]!.id).length === 1, 20_000, 'the expiry delivery')
  })
})
