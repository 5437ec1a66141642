/**
 * Public traffic while a campaign goes out: steady requests to /feed.xml and to the public pages (the
 * home page, an announcement, the archive) at a fixed rate, first on their own, then while an urgent
 * statement goes to BENCH_SUBSCRIBERS (default 100,000) confirmed subscribers, BENCH_CAMPAIGNS times
 * (default 3) one after another, from the same `npm start` (next start, one worker, the embedded
 * database or DATABASE_URI's server, the local mail sink counting what it accepts). Reports each
 * target's latency percentiles without and during the campaigns, and each campaign's time.
 * Run: `npm run bench:traffic`.
 */
import pg from 'pg'

import { richText } from '../src/seed/lexical'
import { benchDatabase, percentile } from './bench-database'
import { startStack } from './npm-start'

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 100_000)
const FEED_RPS = Number(process.env.BENCH_FEED_RPS ?? 100)
const PAGE_RPS = Number(process.env.BENCH_PAGE_RPS ?? 30)
const BASELINE_SECONDS = Number(process.env.BENCH_SECONDS ?? 20)
const BATCH = 1000
const WARM_UP_SECONDS = 10
const CAMPAIGNS = Number(process.env.BENCH_CAMPAIGNS ?? 3)

const database = process.env.DATABASE_URI ? await benchDatabase() : undefined
const { app, databaseUri, until, login, stop } = await startStack('bench-traffic-', () => ({
  MAIL_SINK_KEEP: 'count',
  MAIL_SINK_NICE: '10',
  // WORKER_NICE=0 measures the worker at the app's priority.
  ...(process.env.WORKER_NICE ? { WORKER_NICE: process.env.WORKER_NICE } : {}),
  ...(database ? { DATABASE_URI: database.uri } : {}),
}))

type Sample = { at: number; ms: number; ok: boolean }
const samples: Record<'feed' | 'pages', Sample[]> = { feed: [], pages: [] }
let running = true

/**
 * Fires `rate` requests a second, spread over 10 ms ticks and not waiting for answers (an open
 * workload: a slow server gets more requests in flight, as it would from real readers).
 */
function steady(name: keyof typeof samples, rate: number, urls: string[]): Promise<void> {
  let fired = 0
  const started = Date.now()
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (!running) {
        clearInterval(timer)
        resolve()
        return
      }
      const due = Math.floor(((Date.now() - started) / 1000) * rate)
      for (; fired < due; fired++) {
        const url = urls[fired % urls.length]!
        const at = Date.now()
        fetch(url)
          .then(async (response) => {
            await response.arrayBuffer()
            samples[name].push({ at, ms: Date.now() - at, ok: response.status === 200 })
          })
          .catch(() => samples[name].push({ at, ms: Date.now() - at, ok: false }))
      }
    }, 10)
  })
}

try {
  const token = await login()
  const post = async (title: string) => {
    const response = await fetch(`${app}/api/announcements`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `JWT ${token}` },
      // Feeds only: these give the pages and the feed their content; the one campaign measured is the urgent statement's.
      body: JSON.stringify({
        title,
        summary: 'Demand is up by a third & waiting times have doubled.',
        body: richText('The national referral system is near breaking point.'),
        urgency: 'standard',
        channels: { feed: true, email: false, social: false },
        _status: 'published',
      }),
    })
    if (response.status !== 201) throw new Error(`publishing failed: ${response.status} ${await response.text()}`)
    return ((await response.json()) as { doc: { id: number; slug: string } }).doc
  }
  // Content for the pages and the feed.
  let page = { id: 0, slug: '' }
  for (let n = 0; n < 20; n++) page = await post(`Statement ${n}: services near breaking point`)
  await until(async () => ((await (await fetch(`${app}/feed.xml`)).text()).match(/<item>/g) ?? []).length >= 20, 120, 'the feed')

  const client = new pg.Client({ connectionString: databaseUri })
  await client.connect()
  await client.query(
    `insert into subscribers (email, status, urgent_only, confirmed_at, updated_at, created_at)
     select 'bench-' || n || '@example.net', 'confirmed', false, now(), now(), now() from generate_series(1, $1::int) as n`,
    [SUBSCRIBERS],
  )
  await client.query('analyze subscribers')
  await client.end()
  console.log(`${SUBSCRIBERS.toLocaleString('en')} subscribers in the database`)

  const feedUrls = [`${app}/feed.xml`]
  const pageUrls = [`${app}/`, `${app}/announcements/${page.slug}`, `${app}/archive`]
  // Each route's first answers load its code and fill its caches: taken one at a time, before any load.
  for (const url of [...feedUrls, ...pageUrls]) for (let n = 0; n < 20; n++) await (await fetch(url)).arrayBuffer()
  const load = Promise.all([steady('feed', FEED_RPS, feedUrls), steady('pages', PAGE_RPS, pageUrls)])
  await new Promise((resolve) => setTimeout(resolve, WARM_UP_SECONDS * 1000)) // not counted
  const baselineFrom = Date.now()
  await new Promise((resolve) => setTimeout(resolve, BASELINE_SECONDS * 1000))
  // The campaigns one after another, a few seconds apart: one 100,000 campaign is over in seconds,
  // too few answers for a 99th percentile of their own.
  const batches = Math.ceil(SUBSCRIBERS / BATCH)
  const campaigns: { from: number; to: number }[] = []
  for (let n = 1; n <= CAMPAIGNS; n++) {
    const from = Date.now()
    const response = await fetch(`${app}/api/announcements`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `JWT ${token}` },
      body: JSON.stringify({ title: `Urgent ${n}: the referral system is near breaking point`, summary: 'Our statement today.', body: richText('Urgent statement.'), urgency: 'urgent', _status: 'published' }),
    })
    if (response.status !== 201) throw new Error(`publishing the urgent statement failed: ${response.status}`)
    const urgent = ((await response.json()) as { doc: { id: number } }).doc
    const sentBatches = async () => {
      const answer = await fetch(`${app}/api/deliveries?where[itemId][equals]=${urgent.id}&where[channel][equals]=email&where[state][equals]=sent&limit=1&depth=0`, { headers: { authorization: `JWT ${token}` } })
      return ((await answer.json()) as { totalDocs: number }).totalDocs
    }
    await until(async () => (await sentBatches()) >= batches, 600, 'the campaign')
    campaigns.push({ from, to: Date.now() })
    await new Promise((resolve) => setTimeout(resolve, 3_000))
  }
  running = false
  await load
  await new Promise((resolve) => setTimeout(resolve, 2_000)) // answers still in flight

  const rows: string[] = []
  for (const name of ['feed', 'pages'] as const) {
    const phases: [string, { from: number; to: number }[]][] = [
      ['without a campaign', [{ from: baselineFrom, to: campaigns[0]!.from }]],
      ['during the campaigns', campaigns],
    ]
    for (const [phase, windows] of phases) {
      const window = samples[name].filter((sample) => windows.some(({ from, to }) => sample.at >= from && sample.at < to))
      const seconds = windows.reduce((sum, { from, to }) => sum + (to - from), 0) / 1000
      const ms = window.map((sample) => sample.ms)
      const failed = window.filter((sample) => !sample.ok).length
      rows.push(
        `| ${name === 'feed' ? '/feed.xml' : 'pages (home, announcement, archive)'} | ${phase} | ${window.length} | ${(window.length / seconds).toFixed(0)} | ${percentile(ms, 50)} | ${percentile(ms, 95)} | ${percentile(ms, 99)} | ${Math.max(...ms)} | ${failed} |`,
      )
    }
  }
  const took = campaigns.map(({ from, to }) => `${((to - from) / 1000).toFixed(1)} s`).join(', ')
  console.log(`\n${CAMPAIGNS} campaigns of ${SUBSCRIBERS.toLocaleString('en')} subscribers (${batches} batches each), from the publish request to the last batch sent: ${took}`)
  console.log(`steady load: /feed.xml ${FEED_RPS} req/s, pages ${PAGE_RPS} req/s; ${BASELINE_SECONDS} s without a campaign after a ${WARM_UP_SECONDS} s warm-up`)
  console.log('\n| target | phase | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | not 200 |')
  console.log('| --- | --- | --: | --: | --: | --: | --: | --: | --: |')
  for (const row of rows) console.log(row)
} finally {
  running = false
  await stop()
  await database?.stop()
}
process.exit(0)
