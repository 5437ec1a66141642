/**
 * Publish-to-delivery latency of the spine, on the urgent lane, with a standard backlog ahead of it.
 *
 * Starts a fresh embedded PostgreSQL (or a new database on DATABASE_URI's server), Payload in this
 * process and two worker processes (urgent lane, standard lane) on a private queue prefix. It publishes
 * BENCH_BACKLOG standard announcements, starts the worker (so they are all queued), then publishes
 * BENCH_URGENT urgent ones, 50 ms apart, while that backlog drains, and
 * prints p50/p95/max of: commit → the log channel's job claiming the unit (the fan-out reaching the
 * channel), and commit → unit sent. Run: `npm run bench:publish`.
 */
import '../src/lib/load-dotenv'

import { spawn } from 'node:child_process'
import fs from 'node:fs'

import pg from 'pg'

import { workerNodeFlags } from '../src/lib/node-flags'
import { richText } from '../src/seed/lexical'
import { benchDatabase, benchEnv, percentile } from './bench-database'

const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 1000)
const URGENT = Number(process.env.BENCH_URGENT ?? 50)
const db = await benchDatabase()
// The spine alone, through the log channel: the figures below are the pipeline's own latency.
const { env, dataDir } = benchEnv(db.uri, { DELIVERY_CHANNELS: 'log' })

const { getPayload } = await import('payload')
const { default: config } = await import('../payload.config')
const payload = await getPayload({ config })

const body = richText('Benchmark body.')
const publish = (urgency: 'urgent' | 'standard', i: number) =>
  payload.create({ collection: 'announcements', data: { title: `${urgency} ${i}`, summary: 'Benchmark.', body, urgency, _status: 'published' } })

console.log(`publishing ${BACKLOG} standard announcements as a backlog...`)
const backlogStart = Date.now()
for (let i = 0; i < BACKLOG; i++) await publish('standard', i)
console.log(`backlog published in ${((Date.now() - backlogStart) / 1000).toFixed(1)} s; starting the worker, then ${URGENT} urgent ones`)

// The worker starts only now, so the whole backlog is queued ahead of the urgent announcements.
// As deployed (docker-compose.yml): one worker process for the urgent lane, one for the standard lane.
const startWorker = async (lanes: string) => {
  const child = spawn(process.execPath, [...workerNodeFlags(process.env.WORKER_HEAP_MB ?? 256), 'workers/index.ts'], {
    env: { ...process.env, ...env, SERVICE_NAME: `worker-${lanes}`, WORKER_LANES: lanes, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  await new Promise<void>((resolve) => child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('worker ready') && resolve()))
  return child
}
const workers = await Promise.all([startWorker('urgent'), startWorker('standard')])


const committed = new Map<string, number>()
for (let i = 0; i < URGENT; i++) {
  const item = await publish('urgent', i)
  committed.set(String(item.id), Date.now())
  await new Promise((resolve) => setTimeout(resolve, 50))
}

type Row = { item_id: string; sending_at: string; sent_at: string }
const pool = new pg.Pool({ connectionString: db.uri, max: 2 })
let rows: Row[] = []
for (const deadline = Date.now() + 120_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 250))) {
  rows = (await pool.query<Row>(`select item_id, sending_at, sent_at from deliveries where urgency = 'urgent' and state = 'sent'`)).rows
  if (rows.length >= URGENT) break
}
const standardLeft = (await pool.query<{ n: number }>(`select count(*)::int as n from outbox_events e where e.urgency = 'standard' and not exists (select 1 from deliveries d where d.event_id = e.id and d.state = 'sent')`)).rows[0]!.n

const toStart = rows.map((row) => new Date(row.sending_at).getTime() - committed.get(row.item_id)!)
const toSent = rows.map((row) => new Date(row.sent_at).getTime() - committed.get(row.item_id)!)
const line = (name: string, values: number[]) =>
  console.log(`${name.padEnd(34)} p50 ${String(percentile(values, 50)).padStart(5)} ms   p95 ${String(percentile(values, 95)).padStart(5)} ms   max ${String(Math.max(...values)).padStart(5)} ms`)
console.log(`\nurgent announcements delivered: ${rows.length} / ${URGENT}; standard still undelivered when the last urgent one was sent: ${standardLeft} / ${BACKLOG}`)
line('commit -> log unit claimed', toStart)
line('commit -> log unit sent', toSent)

await Promise.all(workers.map((worker) => new Promise((resolve) => worker.once('exit', resolve).kill('SIGTERM'))))
await pool.end()
await payload.destroy()
await db.stop()
fs.rmSync(dataDir, { recursive: true, force: true })
process.exit(rows.length === URGENT ? 0 : 1)
