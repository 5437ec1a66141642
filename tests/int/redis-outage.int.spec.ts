/**
 * Redis stops while staff publish or schedule a launch: the saves succeed (the outboxes need only the
 * database), and every event is delivered, and every launch job queued, within seconds of Redis
 * coming back. Redis here keeps an append-only file,
 * as production Redis must, so the jobs queued before the outage survive its restart.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import type { Payload } from 'payload'
import { afterAll, beforeAll, expect, it } from 'vitest'

import { body, createItem } from '../helpers/content'
import { readLogLines, waitFor } from '../helpers/log-file'
import { startTestPipeline, type TestPipeline } from '../helpers/pipeline'
import { startOwnRedis, type OwnRedis } from '../helpers/redis-server'

let redis: OwnRedis
let redisDir: string
let ctx: TestPipeline
let payload: Payload

beforeAll(async () => {
  redisDir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-aof-'))
  redis = await startOwnRedis({ dir: redisDir })
  ctx = await startTestPipeline({ REDIS_URL: redis.url })
  payload = ctx.payload
})
afterAll(async () => {
  await ctx?.stop()
  await redis?.stop()
  fs.rmSync(redisDir, { recursive: true, force: true })
})

const eventIdOf = async (itemId: number) =>
  (await payload.find({ collection: 'outbox-events', where: { itemId: { equals: String(itemId) }, collection: { equals: 'announcements' } }, depth: 0 })).docs[0]!.id
const delivered = (eventId: number) => readLogLines(ctx.logFile).some((line) => line.eventId === eventId)

it('lets staff publish while Redis is down and delivers everything once it returns', async () => {
  const before = await createItem(payload, 'announcements', { status: 'published', title: 'Before the outage' })
  const beforeEvent = await eventIdOf(before.id)
  await waitFor(() => delivered(beforeEvent), 20_000, 'the delivery before the outage')

  await redis.stop()
  const started = Date.now()
  const during = []
  for (let i = 0; i < 5; i++) during.push(await createItem(payload, 'announcements', { status: 'published', title: `During the outage ${i}` }))
  const publishMs = Date.now() - started
  const events = await Promise.all(during.map((item) => eventIdOf(item.id)))
  expect(publishMs).toBeLessThan(10_000)

  await new Promise((resolve) => setTimeout(resolve, 1_500))
  expect(events.filter(delivered)).toEqual([])

  redis = await startOwnRedis({ port: redis.port, dir: redisDir })
  const back = Date.now()
  await waitFor(() => events.every(delivered), 30_000, 'every event after Redis returned')
  const recoveryMs = Date.now() - back
  console.log(`Redis outage: 5 publishes took ${publishMs} ms with Redis down; all delivered ${recoveryMs} ms after it returned`)
  expect(recoveryMs).toBeLessThan(15_000)

  const lines = readLogLines(ctx.logFile)
  for (const eventId of [beforeEvent, ...events]) expect(lines.filter((line) => line.eventId === eventId)).toHaveLength(1)
})

it('lets staff schedule a launch while Redis is down; its job is queued once Redis returns, and it goes out at its time', async () => {
  await redis.stop()
  const publishAt = new Date(Date.now() + 6_000).toISOString()
  const draft = await payload.create({
    collection: 'announcements',
    draft: true,
    data: { title: 'Scheduled during the outage', summary: 's', body, urgency: 'standard', _status: 'draft', publishAt },
  })
  const changes = await payload.find({ collection: 'job-outbox', where: { targetId: { equals: String(draft.id) } }, depth: 0 })
  expect(changes.docs).toEqual([expect.objectContaining({ target: 'launch', targetCollection: 'announcements', dispatchedAt: null })])

  redis = await startOwnRedis({ port: redis.port, dir: redisDir })
  const published = await waitFor(async () => (await payload.findByID({ collection: 'announcements', id: draft.id }))._status === 'published', 30_000, 'the launch at its time')
  expect(published).toBe(true)
  expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(publishAt) - 1_000)
  await waitFor(async () => delivered(await eventIdOf(draft.id)), 20_000, 'the launched statement delivered')
})
