/** Operations: the queue dashboard answers only admins, health probes follow Redis, metrics move with a campaign. */
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { sql } from '@payloadcms/db-postgres'
import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { startMailSink, type MailSink } from '../../dev/mail-sink/sendgrid-sink'
import { databaseCheck, redisCheck } from '../../src/ops/health'
import { startOpsServer, type OpsServer } from '../../src/ops/ops-server'
import { authHeaders, body, createUser } from '../helpers/content'
import { waitForItemDelivered } from '../helpers/feeds'
import { waitFor } from '../helpers/log-file'
import { startTestPipeline, type TestPipeline } from '../helpers/pipeline'
import { startOwnRedis, type OwnRedis } from '../helpers/redis-server'
import { rest } from '../helpers/rest'

const METRICS_TOKEN = 'metrics-token-for-the-tests'
const API_KEY = 'SG.ops-test'

let redis: OwnRedis
let redisDir: string
let sink: MailSink
let ctx: TestPipeline
let payload: Payload
let ops: OpsServer
const auth: Record<string, Record<string, string>> = {}

beforeAll(async () => {
  redisDir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-ops-'))
  redis = await startOwnRedis({ dir: redisDir })
  sink = await startMailSink({ apiKey: API_KEY })
  ctx = await startTestPipeline({
    REDIS_URL: redis.url,
    DELIVERY_CHANNELS: 'email,feeds',
    SENDGRID_API_KEY: API_KEY,
    SENDGRID_BASE_URL: sink.url,
    METRICS_TOKEN,
  })
  payload = ctx.payload
  await payload.updateGlobal({ slug: 'site', data: { senderEmail: 'alerts@example.org' } })
  for (const role of ['admin', 'editor', 'author'] as const) {
    auth[role] = await authHeaders(payload, await createUser(payload, role, `ops-${role}@example.org`))
  }
  const { createRedis } = await import('../../src/lib/redis')
  const workerRedis = createRedis(redis.url, 'producer')
  workerRedis.on('error', () => undefined)
  // As workers/index.ts starts it, on a free port.
  ops = await startOpsServer({
    port: 0,
    host: '127.0.0.1',
    metricsToken: METRICS_TOKEN,
    checks: { database: databaseCheck(payload), redis: redisCheck(() => workerRedis), queues: async () => Promise.all(ctx.pipeline.queues.map((queue) => queue.getJobCounts('wait'))) },
  })
})
afterAll(async () => {
  await ops?.close()
  await ctx?.stop()
  await sink?.close()
  await redis?.stop()
  fs.rmSync(redisDir, { recursive: true, force: true })
})

const asUser = (role?: string): Record<string, string> => (role ? auth[role]! : {})

describe('the queue dashboard at /admin/queues', () => {
  const dashboard = async (pathname: string, role?: string) => {
    const { GET } = await import('@/app/(payload)/admin/queues/[[...path]]/route')
    return GET(new Request(`http://localhost:3000${pathname}`, { headers: asUser(role) }))
  }

  it('answers 401 to anonymous visitors and 403 to editors and authors', async () => {
    for (const pathname of ['/admin/queues', '/admin/queues/api/queues']) {
      expect((await dashboard(pathname)).status).toBe(401)
      expect((await dashboard(pathname, 'author')).status).toBe(403)
      expect((await dashboard(pathname, 'editor')).status).toBe(403)
    }
  })

  it('shows an admin bull-board with every queue of the installation', async () => {
    const page = await dashboard('/admin/queues', 'admin')
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('<base href="/admin/queues/" />')
    expect(html).toContain('<title>Delivery queues</title>')
    const stylesheet = /href="(static\/css\/[^"]+\.css)"/.exec(html)![1]
    const css = await dashboard(`/admin/queues/${stylesheet}`, 'admin')
    expect(css.status).toBe(200)
    expect(css.headers.get('content-type')).toMatch(/^text\/css/)
    expect((await dashboard(`/admin/queues/${stylesheet}`)).status).toBe(401)
    const api = await dashboard('/admin/queues/api/queues?activeQueue=&page=1&jobsPerPage=10', 'admin')
    expect(api.status).toBe(200)
    const names = ((await api.json()) as { queues: { name: string }[] }).queues.map((queue) => queue.name).sort()
    expect(names).toEqual(['channel-email-standard', 'channel-email-urgent', 'channel-feeds-standard', 'channel-feeds-urgent', 'fanout-standard', 'fanout-urgent', 'launches', 'scheduler'])
  })
})

describe('health', () => {
  const app = async (route: 'healthz' | 'readyz') => (await import(`@/app/(ops)/${route}/route`)) as { GET: () => Promise<Response> | Response }
  const worker = (route: string) => fetch(`http://127.0.0.1:${ops.port}/${route}`)

  it('turns /readyz unhealthy on the app and the worker while Redis is stopped, and healthy when it returns', async () => {
    expect((await (await app('healthz')).GET()).status).toBe(200)
    expect((await (await app('readyz')).GET()).status).toBe(200)
    expect((await worker('readyz')).status).toBe(200)

    await redis.stop()
    try {
      const appReady = await (await app('readyz')).GET()
      expect(appReady.status).toBe(503)
      const appChecks = ((await appReady.json()) as { checks: { name: string; ok: boolean }[] }).checks
      expect(appChecks.find((check) => check.name === 'redis')!.ok).toBe(false)
      expect(appChecks.find((check) => check.name === 'database')!.ok).toBe(true)
      const workerReady = await worker('readyz')
      expect(workerReady.status).toBe(503)
      expect(((await workerReady.json()) as { checks: { name: string; ok: boolean }[] }).checks.filter((check) => !check.ok).map((check) => check.name).sort()).toEqual(['queues', 'redis'])
      expect((await (await app('healthz')).GET()).status).toBe(200) // alive, just not ready
      expect((await worker('healthz')).status).toBe(200)
    } finally {
      redis = await startOwnRedis({ port: redis.port, dir: redisDir })
    }
    await waitFor(async () => (await (await app('readyz')).GET()).status === 200, 20_000, 'the app to be ready again')
    await waitFor(async () => (await worker('readyz')).status === 200, 20_000, 'the worker to be ready again')
  }, 60_000)
})

describe('metrics', () => {
  const scrape = async (token?: string) => {
    const { GET } = await import('@/app/(ops)/metrics/route')
    return GET(new Request('http://localhost:3000/metrics', { headers: token ? { authorization: `Bearer ${token}` } : {} }))
  }
  /** Prometheus text as name{labels} → value. */
  const parse = (text: string) => new Map(text.split('\n').filter((line) => line && !line.startsWith('#')).map((line) => [line.slice(0, line.lastIndexOf(' ')), Number(line.slice(line.lastIndexOf(' ') + 1))]))
  const value = (series: Map<string, number>, name: string) => series.get(name) ?? 0

  it('are refused without the token, on the app and the worker', async () => {
    expect((await scrape()).status).toBe(401)
    expect((await scrape('wrong-token-wrong-token')).status).toBe(401)
    expect((await fetch(`http://127.0.0.1:${ops.port}/metrics`)).status).toBe(401)
  })

  it('expose the named series, and they move when a campaign runs', async () => {
    const db = (payload.db as unknown as { drizzle: { execute: (query: unknown) => Promise<unknown> } }).drizzle
    await db.execute(sql`insert into subscribers (email, status, urgent_only, confirmed_at, updated_at, created_at)
      select 'metrics-' || n || '@example.net', 'confirmed', false, now(), now(), now() from generate_series(1, 1500) as n`)
    const before = parse(await (await scrape(METRICS_TOKEN)).text())
    const item = await payload.create({ collection: 'announcements', data: { title: 'Measured', summary: 's', body, urgency: 'urgent', _status: 'published' } })
    await waitForItemDelivered(payload, 'announcements', item.id)
    const response = await scrape(METRICS_TOKEN)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/)
    const text = await response.text()
    const after = parse(text)

    expect(value(after, 'pipeline_emails_accepted_total') - value(before, 'pipeline_emails_accepted_total')).toBe(1500)
    expect(value(after, 'pipeline_units_total{channel="email",outcome="sent"}') - value(before, 'pipeline_units_total{channel="email",outcome="sent"}')).toBe(2)
    expect(value(after, 'pipeline_publish_to_first_delivery_seconds_count{channel="email",urgency="urgent"}')).toBe(value(before, 'pipeline_publish_to_first_delivery_seconds_count{channel="email",urgency="urgent"}') + 1)
    expect(value(after, 'pipeline_feed_rebuild_seconds_count')).toBeGreaterThan(value(before, 'pipeline_feed_rebuild_seconds_count'))
    expect(value(after, 'pipeline_job_duration_seconds_count{queue="channel-email-urgent",channel="email",outcome="completed"}')).toBeGreaterThan(
      value(before, 'pipeline_job_duration_seconds_count{queue="channel-email-urgent",channel="email",outcome="completed"}'),
    )
    expect(after.has('pipeline_queue_jobs{queue="channel-email-urgent",state="waiting"}')).toBe(true)
    expect(after.has('pipeline_queue_oldest_waiting_seconds{queue="fanout-standard"}')).toBe(true)
    expect(text).toContain('process_resident_memory_bytes')
    const fromWorker = await fetch(`http://127.0.0.1:${ops.port}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    expect(fromWorker.status).toBe(200)
    expect(await fromWorker.text()).toContain('pipeline_emails_accepted_total')
  })
})

describe('the delivery dashboard', () => {
  it('shows the campaign’s progress, its deliveries over the last hour, the latest events per channel and what needs staff', async () => {
    const { deliveryDashboardData } = await import('../../src/ops/delivery-dashboard-data')
    const data = await deliveryDashboardData(payload, 'hour')
    expect(data.buckets).toHaveLength(60)
    const campaign = data.campaigns.find((candidate) => candidate.subject === 'URGENT: Measured')!
    expect(campaign).toMatchObject({ recipients: 1500, sent: 1500 })
    expect(data.series['emails sent'].reduce((sum, value) => sum + value, 0)).toBeGreaterThanOrEqual(1500)
    expect(data.series['other deliveries'].reduce((sum, value) => sum + value, 0)).toBeGreaterThan(0) // the feed rebuilds
    const latest = data.recent.find((event) => event.title === 'Measured')!
    expect(latest.channels.find((channel) => channel.channel === 'email')).toEqual({ channel: 'email', total: 2, byState: { sent: 2 } })
    expect(data.attention.every((unit) => unit.state === 'failed' || unit.state === 'in_doubt')).toBe(true)
  })
})

describe('an event the pipeline never finished', () => {
  it('is listed under Needs you, and staff hand it back to the queues, which deliver it', async () => {
    const item = await payload.create({ collection: 'announcements', context: { skipFanout: true }, data: { title: 'Never finished', summary: 's', body, urgency: 'standard', _status: 'published' } })
    // Dispatched a day and more ago and never completed: older than the relay's own handback looks.
    const longAgo = new Date(Date.now() - 25 * 60 * 60_000).toISOString()
    const event = await payload.create({
      collection: 'outbox-events',
      data: { uid: randomUUID(), kind: 'publish', collection: 'announcements', itemId: String(item.id), versionId: `v-${item.id}`, urgency: 'standard', dedupeKey: `unfinished-${item.id}`, generation: 0, dispatchedAt: longAgo },
    })
    await payload.db.updateOne({ collection: 'outbox-events', id: event.id, data: { createdAt: longAgo } })

    const { deliveryDashboardData } = await import('../../src/ops/delivery-dashboard-data')
    expect((await deliveryDashboardData(payload, 'hour')).unfinished).toContainEqual(expect.objectContaining({ id: event.id, title: '', itemId: String(item.id), dispatchedAt: expect.any(String) }))

    expect((await rest('POST', `/api/outbox-events/${event.id}/redeliver`)).status).toBe(401)
    expect((await rest('POST', `/api/outbox-events/${event.id}/redeliver`, { headers: auth.author })).status).toBe(403)
    const handedBack = await rest('POST', `/api/outbox-events/${event.id}/redeliver`, { headers: auth.editor })
    expect(handedBack.status, handedBack.text).toBe(202)
    await waitFor(async () => (await payload.findByID({ collection: 'outbox-events', id: event.id })).completedAt, 30_000, 'the event delivered and completed')
    const units = await payload.find({ collection: 'deliveries', where: { event: { equals: event.id } }, depth: 0, pagination: false })
    expect(new Set(units.docs.map((unit) => unit.channel))).toEqual(new Set(['email', 'feeds']))
    expect(units.docs.filter((unit) => unit.state !== 'sent')).toEqual([])
    expect((await deliveryDashboardData(payload, 'hour')).unfinished.map((unfinished) => unfinished.id)).not.toContain(event.id)
    expect((await rest('POST', `/api/outbox-events/${event.id}/redeliver`, { headers: auth.editor })).status).toBe(409)
  })
})
