/**
 * Email campaign throughput: wall time from the campaign's start (the publish's commit) to the last
 * batch accepted by the SendGrid-compatible sink, for BENCH_SUBSCRIBERS confirmed subscribers
 * (default "100000,1000000"), with the worker in its own process (its peak memory read from
 * /proc/<pid>/status, VmHWM), beside a bare loop that posts the same number of 1,000-recipient
 * batches straight to the sink with fetch, in the same run. Starts a fresh database (embedded
 * PGlite, or a new one on DATABASE_URI's server). Run: `npm run bench:email`.
 */
import '../src/lib/load-dotenv'

import { spawn } from 'node:child_process'
import fs from 'node:fs'

import pg from 'pg'

import { startMailSink } from '../dev/mail-sink/sendgrid-sink'
import { workerNodeFlags } from '../src/lib/node-flags'
import { richText } from '../src/seed/lexical'
import { benchDatabase, benchEnv } from './bench-database'

const SIZES = (process.env.BENCH_SUBSCRIBERS ?? '100000,1000000').split(',').map(Number)
const API_KEY = 'SG.bench'

const sink = await startMailSink({ apiKey: API_KEY, keep: 'count' })
const db = await benchDatabase()
const { env, dataDir } = benchEnv(db.uri, {
  DELIVERY_CHANNELS: 'email',
  SENDGRID_API_KEY: API_KEY,
  SENDGRID_BASE_URL: sink.url,
  PUBLIC_URL: 'https://news.example.org',
})
const { getPayload } = await import('payload')
const { default: config } = await import('../payload.config')
const payload = await getPayload({ config })
await payload.updateGlobal({ slug: 'site', data: { senderEmail: 'alerts@example.org', organisationName: 'Benchmark Trust', postalAddress: '1 High Street' } })

const child = spawn(process.execPath, [...workerNodeFlags(process.env.WORKER_HEAP_MB ?? 256), 'workers/index.ts'], { env: { ...process.env, ...env, SERVICE_NAME: 'worker', LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'inherit'] })
await new Promise<void>((resolve) => child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('worker ready') && resolve()))
const peakMemoryMb = () => {
  const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8')
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024
}

const client = new pg.Client({ connectionString: db.uri })
await client.connect()
let inserted = 0
const rows: string[] = []
for (const size of SIZES) {
  const started = Date.now()
  await client.query(
    `insert into subscribers (email, status, urgent_only, confirmed_at, updated_at, created_at)
     select 'bench-' || n || '@example.net', 'confirmed', false, now(), now(), now() from generate_series($1::int + 1, $2::int) as n`,
    [inserted, size],
  )
  // As autovacuum would soon after a bulk import: without fresh statistics the planner may scan the
  // whole table for each page of subscribers.
  await client.query('analyze subscribers')
  inserted = size
  console.log(`${size.toLocaleString('en')} subscribers in the database (insert ${Date.now() - started} ms)`)

  const before = sink.accepted()
  const committed = Date.now()
  await payload.create({ collection: 'announcements', data: { title: `Benchmark ${size}`, summary: 'Benchmark.', body: richText('Benchmark body.'), urgency: 'urgent', _status: 'published' } })
  while (sink.accepted() - before < size) await new Promise((resolve) => setTimeout(resolve, 100))
  const campaignMs = Date.now() - committed

  // The bare loop: the same number of 1,000-recipient requests, built once, posted one after another.
  const personalizations = Array.from({ length: 1000 }, (_, n) => ({
    to: [{ email: `bare-${n}@example.net` }],
    substitutions: { '{{unsubscribe_url}}': `https://news.example.org/unsubscribe?token=${n}`, '{{preferences_url}}': `https://news.example.org/preferences?token=${n}` },
    headers: { 'List-Unsubscribe': `<https://news.example.org/unsubscribe?token=${n}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    custom_args: { campaign: '1', batch: 'batch-00000', subscriber: String(n) },
  }))
  const request = JSON.stringify({ personalizations, from: { email: 'alerts@example.org' }, subject: 'Bare', content: [{ type: 'text/plain', value: 'Hello {{unsubscribe_url}}' }, { type: 'text/html', value: '<p>Hello</p>' }] })
  const bareStarted = Date.now()
  for (let batch = 0; batch < size / 1000; batch++) {
    const response = await fetch(`${sink.url}/v3/mail/send`, { method: 'POST', headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' }, body: request })
    if (response.status !== 202) throw new Error(`bare loop: ${response.status}`)
  }
  const bareMs = Date.now() - bareStarted
  const row = `| ${size.toLocaleString('en')} | ${(campaignMs / 1000).toFixed(1)} s | ${Math.round(size / (campaignMs / 1000)).toLocaleString('en')} | ${(bareMs / 1000).toFixed(1)} s | ${((bareMs / campaignMs) * 100).toFixed(0)} % | ${peakMemoryMb().toFixed(0)} MB |`
  rows.push(row)
  console.log(`campaign of ${size.toLocaleString('en')}: ${(campaignMs / 1000).toFixed(1)} s from commit to the last batch accepted; bare loop ${(bareMs / 1000).toFixed(1)} s; worker peak RSS ${peakMemoryMb().toFixed(0)} MB`)
}
console.log('\n| subscribers | campaign (commit → last batch accepted) | recipients/s | bare loop, same batches | bare / campaign | worker peak RSS |')
console.log('| --: | --: | --: | --: | --: | --: |')
for (const row of rows) console.log(row)

await new Promise((resolve) => child.once('exit', resolve).kill('SIGTERM'))
await client.end()
await payload.destroy()
await db.stop()
await sink.close()
fs.rmSync(dataDir, { recursive: true, force: true })
process.exit(0)
