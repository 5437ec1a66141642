/**
 * Requests per second for /feed.xml, answered 200 and 304, from the app in production mode (`npm
 * start`: `next start` and a worker) beside nginx serving the same bytes from FEEDS_DIR, the way
 * deploy/nginx.conf does in docker-compose. One load tool (autocannon) measures both in the same run;
 * the ratio app / nginx is the figure we track. Starts everything on free ports in a temporary folder,
 * publishes BENCH_FEED_ITEMS announcements through the REST API as the first admin, and waits for the
 * worker to build the feed. Needs nginx (`apt-get install nginx-light`). Run: `npm run bench:feed-serving`.
 */
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

import autocannon from 'autocannon'

import { richText } from '../src/seed/lexical'
import { freePort } from '../tests/helpers/free-port'
import { startStack } from './npm-start'

const ITEMS = Number(process.env.BENCH_FEED_ITEMS ?? 50)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50)

if (spawnSync('nginx', ['-v']).error) throw new Error('nginx is not installed: apt-get install nginx-light')

const nginxPort = await freePort()
const { app, dataDir, until, login: signIn, stop } = await startStack('bench-serving-', (dir) => ({ FEEDS_DIR: path.join(dir, 'feeds') }))
const feedsDir = path.join(dataDir, 'feeds')
let nginx: ReturnType<typeof spawn> | undefined
try {
  const token = await signIn()
  const body = richText(
    'The national referral system is near breaking point: demand rose by a third this year & waiting times doubled.',
    { heading: 'What we are asking for' },
    'Funding for the next three years, and a review of the referral criteria with the people who use them.',
  )
  console.log(`publishing ${ITEMS} announcements...`)
  for (let n = 0; n < ITEMS; n++) {
    const response = await fetch(`${app}/api/announcements`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `JWT ${token}` },
      body: JSON.stringify({ title: `Statement ${n}: services near breaking point`, summary: 'Demand is up by a third & waiting times have doubled.', body, urgency: 'standard', _status: 'published' }),
    })
    if (response.status !== 201) throw new Error(`publishing failed: ${response.status} ${await response.text()}`)
  }
  const expected = Math.min(ITEMS, 50)
  await until(async () => ((await (await fetch(`${app}/feed.xml`)).text()).match(/<item>/g) ?? []).length >= expected && fs.existsSync(path.join(feedsDir, 'feed.xml')), 120, 'the feed')
  await until(async () => (await (await fetch(`${app}/feed.xml`)).text()) === fs.readFileSync(path.join(feedsDir, 'feed.xml'), 'utf8'), 30, 'the feed file to match')
  const size = fs.statSync(path.join(feedsDir, 'feed.xml')).size

  const conf = path.join(dataDir, 'nginx.conf')
  fs.writeFileSync(
    conf,
    `worker_processes 1;
daemon off;
pid ${dataDir}/nginx.pid;
error_log ${dataDir}/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dataDir}/nginx-body;
  proxy_temp_path ${dataDir}/nginx-proxy;
  fastcgi_temp_path ${dataDir}/nginx-fastcgi;
  uwsgi_temp_path ${dataDir}/nginx-uwsgi;
  scgi_temp_path ${dataDir}/nginx-scgi;
  server {
    listen 127.0.0.1:${nginxPort};
    location / {
      root ${feedsDir};
      types { application/rss+xml xml; }
      add_header Cache-Control "public, max-age=60" always;
    }
  }
}
`,
  )
  nginx = spawn('nginx', ['-c', conf, '-p', dataDir], { stdio: 'inherit' })
  const staticServer = `http://127.0.0.1:${nginxPort}`
  await until(async () => (await fetch(`${staticServer}/feed.xml`)).status === 200, 10, 'nginx')

  type Row = { target: string; status: number; rps: number; p50: number; p99: number }
  const rows: Row[] = []
  const measure = async (target: string, base: string, status: 200 | 304) => {
    const first = await fetch(`${base}/feed.xml`)
    await first.arrayBuffer()
    const headers: Record<string, string> = status === 304 ? { 'if-none-match': first.headers.get('etag')! } : {}
    await autocannon({ url: `${base}/feed.xml`, connections: CONNECTIONS, duration: 2, headers }) // warm-up
    const result = await autocannon({ url: `${base}/feed.xml`, connections: CONNECTIONS, duration: SECONDS, headers })
    const answered = Object.entries(result.statusCodeStats ?? {})
    const wrong = answered.filter(([code]) => Number(code) !== status)
    if (wrong.length > 0 || result.errors > 0) throw new Error(`${target} ${status}: unexpected answers ${JSON.stringify(answered)}, ${result.errors} errors`)
    rows.push({ target, status, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 })
  }
  for (const status of [200, 304] as const) {
    await measure('app (next start)', app, status)
    await measure('nginx, same file', staticServer, status)
  }

  console.log(`\n/feed.xml: ${expected} items, ${(size / 1024).toFixed(1)} KB; ${CONNECTIONS} connections, ${SECONDS} s per run, after a 2 s warm-up`)
  console.log('target             status    req/s   p50 ms   p99 ms')
  for (const row of rows) {
    console.log(`${row.target.padEnd(18)} ${String(row.status).padStart(6)} ${row.rps.toFixed(0).padStart(8)} ${String(row.p50).padStart(8)} ${String(row.p99).padStart(8)}`)
  }
  for (const status of [200, 304]) {
    const [appRow, staticRow] = rows.filter((row) => row.status === status)
    console.log(`app / nginx at ${status}: ${((appRow!.rps / staticRow!.rps) * 100).toFixed(1)} %`)
  }
} finally {
  nginx?.kill('SIGTERM')
  await stop()
}
process.exit(0)
