/**
 * Redis loses its data (a restart without its append-only file): events already handed to the queues
 * lose their jobs. The relay notices they never finished and hands them out again; the ledger keeps
 * anything already sent from going twice.
 */
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import type { Payload } from 'payload'
import { afterAll, beforeAll, expect, it } from 'vitest'

import { LANES, channelQueue, fanoutQueue } from '../../src/jobs/queues'
import type { Urgency } from '../../src/domain/events'
import { LOST_AFTER_MS, requeueLostEvents } from '../../workers/lost-flows'
import { createItem } from '../helpers/content'
import { readLogLines, waitFor } from '../helpers/log-file'
import { startTestPipeline, type TestPipeline } from '../helpers/pipeline'
import { startOwnRedis, type OwnRedis } from '../helpers/redis-server'

let redis: OwnRedis
let ctx: TestPipeline
let payload: Payload
let client: Redis
let fanoutQueues: Record<Urgency, Queue>

beforeAll(async () => {
  redis = await startOwnRedis() // no append-only file: FLUSHALL stands for a restart that lost everything
  ctx = await startTestPipeline({ REDIS_URL: redis.url, EXPIRY_SWEEP_MS: '1000' })
  payload = ctx.payload
  client = new Redis(redis.url)
  fanoutQueues = Object.fromEntries(LANES.map((lane) => [lane, new Queue(fanoutQueue(lane), { connection: client, prefix: ctx.queueNamespace })])) as Record<Urgency, Queue>
})
afterAll(async () => {
  await Promise.all(Object.values(fanoutQueues ?? {}).map((queue) => queue.close()))
  client?.disconnect()
  await ctx?.stop()
  await redis?.stop()
})

const eventOf = async (itemId: number) => (await payload.find({ collection: 'outbox-events', where: { itemId: { equals: String(itemId) } }, depth: 0 })).docs[0]!
const linesFor = (eventId: number) => readLogLines(ctx.logFile).filter((line) => line.eventId === eventId)
const later = () => new Date(Date.now() + LOST_AFTER_MS + 1_000)

it('hands out again the events whose queue jobs were lost, once each, and leaves the others alone', async () => {
  const delivered = await createItem(payload, 'announcements', { status: 'published', title: 'Delivered before the loss' })
  const deliveredEvent = await eventOf(delivered.id)
  await waitFor(async () => (await payload.findByID({ collection: 'outbox-events', id: deliveredEvent.id })).completedAt, 20_000, 'the first event to finish')

  const logQueue = new Queue(channelQueue('log', 'standard'), { connection: client, prefix: ctx.queueNamespace })
  await logQueue.pause()
  const waiting = await createItem(payload, 'announcements', { status: 'published', title: 'Queued when Redis lost its data' })
  const waitingEvent = await eventOf(waiting.id)
  await waitFor(async () => (await payload.findByID({ collection: 'outbox-events', id: waitingEvent.id })).dispatchedAt, 20_000, 'the event to be queued')

  // Its flow is in Redis, waiting: not lost, however long it has waited.
  expect(await requeueLostEvents(payload, fanoutQueues, later())).toBe(0)

  await client.flushall()
  await logQueue.close()
  expect(await requeueLostEvents(payload, fanoutQueues, later())).toBe(1)
  expect(await requeueLostEvents(payload, fanoutQueues, later())).toBe(0) // handed back already: not dispatched

  await waitFor(() => linesFor(Number(waitingEvent.id)).length === 1, 20_000, 'the lost event to be delivered')
  await new Promise((resolve) => setTimeout(resolve, 500))
  expect(linesFor(Number(waitingEvent.id))).toHaveLength(1)
  expect(linesFor(Number(deliveredEvent.id))).toHaveLength(1)
  expect((await payload.findByID({ collection: 'outbox-events', id: waitingEvent.id })).completedAt).toBeTruthy()

  // The sweeps' schedules, lost with everything else, are back.
  const scheduler = new Queue('scheduler', { connection: client, prefix: ctx.queueNamespace })
  try {
    await waitFor(async () => (await scheduler.getJobSchedulers()).some((schedule) => schedule.key === 'expiry-sweep'), 10_000, 'the expiry sweep to be scheduled again')
  } finally {
    await scheduler.close()
  }
})

it('hands out again, under a new generation, an event whose flow finished while the database does not have it complete', async () => {
  const item = await createItem(payload, 'announcements', { status: 'published', title: 'Finished in Redis, not in the database' })
  const event = await eventOf(item.id)
  await waitFor(async () => (await payload.findByID({ collection: 'outbox-events', id: event.id })).completedAt, 20_000, 'the event to finish')
  // As a restore taken mid-delivery leaves it: Redis has the finished flow, the database has no completion.
  await payload.db.updateOne({ collection: 'outbox-events', id: event.id, data: { completedAt: null } })

  expect(await requeueLostEvents(payload, fanoutQueues, later())).toBe(1)
  const handedBack = await payload.findByID({ collection: 'outbox-events', id: event.id })
  expect(handedBack.generation).toBe(event.generation + 1)
  await waitFor(async () => (await payload.findByID({ collection: 'outbox-events', id: event.id })).completedAt, 20_000, 'the event to finish again')
  // The ledger had the unit as sent: nothing went out twice.
  expect(linesFor(Number(event.id))).toHaveLength(1)
  expect(await requeueLostEvents(payload, fanoutQueues, later())).toBe(0)
})
