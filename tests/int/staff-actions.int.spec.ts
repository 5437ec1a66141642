/** What staff do about failed and in-doubt deliveries, and the in-doubt policy per urgency. */
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'

import type { Job, Worker } from 'bullmq'
import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { User } from '@/payload-types'

import { LogChannel } from '../../src/channels/log/log-channel'
import { parseInDoubtPolicy, unitKey } from '../../src/delivery/ledger'
import type { ChannelPauses } from '../../src/jobs/channel-pauses'
import { compareAndSetDelivery, databaseLedger, ensureDelivery } from '../../src/lib/ledger-store'
import { deliverUnit, INTERRUPTED_MESSAGE } from '../../src/delivery/deliver-unit'
import { processChannelJob } from '../../workers/processors/channel'
import { loadEvent, loadItem } from '../../workers/pipeline-data'
import { authHeaders, body, createItem, createUser } from '../helpers/content'
import { readLogLines, waitFor } from '../helpers/log-file'
import { startTestPipeline, type TestPipeline } from '../helpers/pipeline'
import { rest } from '../helpers/rest'

let ctx: TestPipeline
let payload: Payload
let editor: User
let author: User
const auth: Record<string, Record<string, string>> = {}

beforeAll(async () => {
  ctx = await startTestPipeline()
  payload = ctx.payload
  editor = await createUser(payload, 'editor', 'editor@example.org')
  author = await createUser(payload, 'author', 'author@example.org')
  for (const user of [editor, author]) {
    auth[user.email] = await authHeaders(payload, user)
  }
})
afterAll(async () => {
  await ctx?.stop()
})

const act = (action: string, id: number, user?: User) =>
  rest('POST', `/api/deliveries/${id}/${action}`, { headers: user ? auth[user.email] : {} })

const onlyDeliveryOf = async (itemId: number) => {
  const [event] = (await payload.find({ collection: 'outbox-events', where: { itemId: { equals: String(itemId) } }, depth: 0, pagination: false })).docs
  return waitFor(async () => (await payload.find({ collection: 'deliveries', where: { event: { equals: event!.id } }, depth: 0 })).docs[0], 20_000, 'the delivery row')
}
const reload = (id: number) => payload.findByID({ collection: 'deliveries', id, depth: 0 })
const linesFor = (eventId: number) => readLogLines(ctx.logFile).filter((line) => line.eventId === eventId)

describe('retrying a failed delivery', () => {
  it('is refused to anonymous visitors and authors, and sends the unit again for an editor', async () => {
    fs.rmSync(ctx.logFile, { force: true })
    fs.mkdirSync(ctx.logFile)
    const item = await createItem(payload, 'announcements', { status: 'published' })
    const failed = await waitFor(async () => {
      const row = await onlyDeliveryOf(item.id)
      return row.state === 'failed' && row
    }, 20_000, 'the unit to fail')
    fs.rmSync(ctx.logFile, { recursive: true })

    expect(await act('retry', failed.id)).toMatchObject({ status: 401, json: { message: 'Only editors and admins can act on deliveries.' } })
    expect(await act('retry', failed.id, author)).toMatchObject({ status: 403 })
    expect((await reload(failed.id)).state).toBe('failed')

    expect(await act('retry', failed.id, editor)).toMatchObject({ status: 202, json: { message: 'Queued for another attempt.' } })
    const sent = await waitFor(async () => {
      const row = await reload(failed.id)
      return row.state === 'sent' && row
    }, 20_000, 'the retried unit to be sent')
    expect(sent.attempts).toBe(2)
    expect(linesFor(Number(typeof sent.event === 'object' ? sent.event.id : sent.event))).toHaveLength(1)
    expect(await act('retry', failed.id, editor)).toMatchObject({ status: 409, json: { message: 'Only a failed delivery can be retried; this one is sent.' } })
  })
})

describe('an in-doubt delivery', () => {
  const inDoubtDelivery = async () => {
    const item = await createItem(payload, 'announcements', { status: 'published' })
    const row = await waitFor(async () => {
      const delivery = await onlyDeliveryOf(item.id)
      return delivery.state === 'sent' && delivery
    }, 20_000, 'the first delivery')
    // As the processor leaves a unit it found interrupted mid-send.
    expect(await compareAndSetDelivery(payload, row.id, ['sent'], 'in_doubt', { lastError: INTERRUPTED_MESSAGE })).toBe(true)
    return row
  }

  it('is sent again when an editor chooses to resend', async () => {
    const row = await inDoubtDelivery()
    const eventId = Number(row.event)
    expect(await act('resend', row.id, editor)).toMatchObject({ status: 202 })
    // The line is written before the ledger row closes, so wait for the row, then count the copies.
    const after = await waitFor(async () => {
      const current = await reload(row.id)
      return current.state === 'sent' && current.attempts === 2 && current
    }, 20_000, 'the resend to be recorded as sent')
    expect(linesFor(eventId)).toHaveLength(2)
    expect(after.resolvedBy).toBe(editor.id)
  })

  it('is closed without sending when an editor marks it sent', async () => {
    const row = await inDoubtDelivery()
    expect(await act('mark-sent', row.id, editor)).toMatchObject({ status: 200, json: { message: 'Marked as sent.' } })
    const after = await reload(row.id)
    expect(after).toMatchObject({ state: 'sent', attempts: 1, detail: 'Marked as delivered by editor@example.org' })
    expect(linesFor(Number(row.event))).toHaveLength(1)
    expect(await act('resend', row.id, editor)).toMatchObject({ status: 409 })
  })
})

describe('a unit interrupted mid-send', () => {
  const interrupted = async (urgency: 'urgent' | 'standard') => {
    const item = await payload.create({
      collection: 'announcements',
      context: { skipFanout: true },
      data: { title: `Interrupted ${urgency}`, summary: 'S', body, urgency, _status: 'published' },
    })
    const event = await payload.create({
      collection: 'outbox-events',
      data: { uid: randomUUID(), kind: 'publish', collection: 'announcements', itemId: String(item.id), versionId: `v-${item.id}`, urgency, dedupeKey: `manual-${item.id}`, generation: 0, dispatchedAt: new Date().toISOString() },
    })
    const row = await ensureDelivery(payload, { event: event.id, collection: 'announcements', itemId: String(item.id), channel: 'log', unitKey: unitKey(event, 'log', 'line'), urgency })
    await compareAndSetDelivery(payload, row.id, ['pending'], 'sending', { countAttempt: true, sendingAt: new Date(Date.now() - 60_000) })
    const loadedEvent = await loadEvent(payload, { eventId: event.id, eventUid: event.uid })
    return { row: await reload(row.id), event: loadedEvent, item: await loadItem(payload, loadedEvent) }
  }
  const channel = () => new LogChannel({ info: () => undefined }, ctx.logFile)
  const context = () => ({ payload, ledger: databaseLedger(payload), inDoubtPolicy: parseInDoubtPolicy('urgent=resend,standard=hold'), lockMs: 5_000 })

  it('is held in doubt for staff when the item is standard', async () => {
    const { row, event, item } = await interrupted('standard')
    expect(await deliverUnit(row, () => channel().deliver({ key: 'line', data: undefined }, event, item), context())).toBe('held-in-doubt')
    expect(await reload(row.id)).toMatchObject({ state: 'in_doubt', attempts: 1, lastError: INTERRUPTED_MESSAGE })
    expect(linesFor(Number(event.id))).toEqual([])
  })

  it('is sent again at once when the item is urgent', async () => {
    const { row, event, item } = await interrupted('urgent')
    expect(await deliverUnit(row, () => channel().deliver({ key: 'line', data: undefined }, event, item), context())).toBe('sent')
    expect(await reload(row.id)).toMatchObject({ state: 'sent', attempts: 2, lastError: null })
    expect(linesFor(Number(event.id))).toHaveLength(1)
  })

  it('is left alone while its sender may still be working (younger than the lock)', async () => {
    const { row, event, item } = await interrupted('urgent')
    await payload.update({ collection: 'deliveries', id: row.id, data: { sendingAt: new Date().toISOString() } })
    expect(await deliverUnit(await reload(row.id), () => channel().deliver({ key: 'line', data: undefined }, event, item), context())).toBe('taken')
    expect((await reload(row.id)).state).toBe('sending')
  })

  it('is sent again at once, whatever the policy, on a channel where a repeat doubles nothing (feed rebuilds)', async () => {
    const { row, event } = await interrupted('standard')
    const job = { data: { eventId: event.id, eventUid: event.uid, generation: 0, channel: 'log' } } as unknown as Job
    const repeatable = Object.assign(channel(), { idempotent: true })
    expect(await processChannelJob(job, {} as Worker, { ...context(), channel: repeatable, pauses: {} as ChannelPauses })).toMatchObject({ units: 1, outcomes: { sent: 1 } })
    expect(await reload(row.id)).toMatchObject({ state: 'sent', interruptedAt: expect.any(String) })
  })

  it("keeps its channel job open while another attempt holds the unit, and sends it once that hold has run out", async () => {
    const { row, event } = await interrupted('urgent')
    // As after a worker wrote to the provider and lost the database before recording it sent.
    await payload.update({ collection: 'deliveries', id: row.id, data: { sendingAt: new Date().toISOString() } })
    const job = { data: { eventId: event.id, eventUid: event.uid, generation: 0, channel: 'log' } } as unknown as Job
    const jobContext = { ...context(), channel: channel(), pauses: {} as ChannelPauses }
    const held = processChannelJob(job, {} as Worker, jobContext)
    await expect(held).rejects.toThrow('Another attempt is sending this unit; this job checks it again after its backoff.')
    await expect(held).rejects.toMatchObject({ retryable: true })
    expect(linesFor(Number(event.id))).toEqual([])

    // The hold is older than the lock: the next attempt finds the unit cut off and sends it again.
    await payload.update({ collection: 'deliveries', id: row.id, data: { sendingAt: new Date(Date.now() - 60_000).toISOString() } })
    expect(await processChannelJob(job, {} as Worker, jobContext)).toMatchObject({ units: 1, outcomes: { sent: 1 } })
    const after = await reload(row.id)
    expect(after).toMatchObject({ state: 'sent', attempts: 2, lastError: null })
    expect(after.interruptedAt).toEqual(expect.any(String))
    expect(linesFor(Number(event.id))).toHaveLength(1)
  })
})

describe('the in-doubt policy setting', () => {
  it('parses per urgency and refuses nonsense', () => {
    expect(parseInDoubtPolicy('standard=resend')).toEqual({ urgent: 'resend', standard: 'resend' })
    expect(parseInDoubtPolicy('urgent=hold, standard=hold')).toEqual({ urgent: 'hold', standard: 'hold' })
    expect(() => parseInDoubtPolicy('urgent=maybe')).toThrow('"urgent=maybe" is not urgency=action')
  })
})
