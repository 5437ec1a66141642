/**
 * Feed rebuild time: how long the feed channel takes to build the main feed of BENCH_FEED_ITEMS
 * published announcements (default 10,000) from the database: the first build in a process (every
 * body rendered), then builds when the content changed (read, render three formats, store) and when it
 * did not (read and hash only), beside the default feed size of 50. Starts a fresh database (embedded PGlite, or a new one on DATABASE_URI's server) and
 * Payload in this process; rows are inserted with one SQL statement. Run: `npm run bench:feed-rebuild`.
 */
import '../src/lib/load-dotenv'

import fs from 'node:fs'

import pg from 'pg'

import { benchDatabase, benchEnv, percentile } from './bench-database'

const ITEMS = Number(process.env.BENCH_FEED_ITEMS ?? 10_000)
const RUNS = Number(process.env.BENCH_RUNS ?? 3)

const db = await benchDatabase()
const { dataDir } = benchEnv(db.uri)

const { getPayload } = await import('payload')
const { default: config } = await import('../payload.config')
const { buildFeed } = await import('../src/channels/feeds/build-feed')
const { assembleFeed } = await import('../src/channels/feeds/assemble-feed')
const { renderFeed } = await import('../src/channels/feeds/render/render')
const payload = await getPayload({ config })

// A body of the size a statement has: four paragraphs, ~1.6 KB of text, a link.
const paragraph = (text: string) => ({ type: 'paragraph', children: [{ type: 'text', text, format: 0, detail: 0, mode: 'normal', style: '', version: 1 }], direction: 'ltr', format: '', indent: 0, version: 1, textFormat: 0 })
const sentence = 'The national referral system is near breaking point: demand rose by a third this year & waiting times doubled. '
const body = { root: { type: 'root', children: [1, 2, 3, 4].map(() => paragraph(sentence.repeat(4))), direction: 'ltr', format: '', indent: 0, version: 1 } }

const client = new pg.Client({ connectionString: db.uri })
await client.connect()
const inserted = Date.now()
await client.query(
  `insert into announcements (title, slug, summary, body, urgency, channels_feed, published_at, feed_guid, _status, updated_at, created_at)
   select 'Statement ' || n, 'statement-' || n, 'Summary of statement ' || n || ', with an ampersand & quotes "like this".', $1::jsonb, 'standard', true,
          now() - (n || ' minutes')::interval, 'urn:uuid:' || gen_random_uuid(), 'published', now(), now()
   from generate_series(1, $2::int) as n`,
  [JSON.stringify(body), ITEMS],
)
await client.end()
console.log(`${ITEMS.toLocaleString('en')} published announcements inserted in ${Date.now() - inserted} ms`)

const settings = { siteUrl: 'https://example.org', organisation: 'Benchmark Trust', ttlMinutes: 5 }
const time = async <T>(work: () => Promise<T>): Promise<[number, T]> => {
  const started = performance.now()
  const result = await work()
  return [performance.now() - started, result]
}

const ms = (value: number) => `${value.toFixed(0)} ms`
for (const itemCount of [50, ITEMS]) {
  const changed: number[] = []
  const unchanged: number[] = []
  const assemble: number[] = []
  const render: number[] = []
  let bytes: Record<string, number> = {}
  for (let run = 0; run <= RUNS; run++) {
    // A different organisation name each run changes every entry, so the build writes. Run 0 is the
    // first build of these items in this process: no body rendered yet (a worker's first event).
    const runSettings = { ...settings, itemCount, organisation: `Benchmark Trust ${itemCount}-${run}` }
    const [changedMs, result] = await time(() => buildFeed(payload, { kind: 'all' }, runSettings))
    if (result.outcome !== 'changed') throw new Error(`expected a changed build, got ${result.outcome}`)
    changed.push(changedMs)
    unchanged.push((await time(() => buildFeed(payload, { kind: 'all' }, runSettings)))[0])
    const [assembleMs, feed] = await time(() => assembleFeed(payload, { kind: 'all' }, runSettings))
    assemble.push(assembleMs)
    const [renderMs, bodies] = await time(async () => renderFeed(feed, new Date()))
    render.push(renderMs)
    bytes = Object.fromEntries(Object.entries(bodies).map(([format, text]) => [format, Buffer.byteLength(text)]))
  }
  const median = (values: number[]) => ms(percentile(values.slice(1), 50))
  console.log(
    `\nfeed of ${itemCount.toLocaleString('en')} items: first build ${ms(changed[0]!)}; then (median of ${RUNS}) changed build ${median(changed)}, unchanged build ${median(unchanged)}` +
      `; of which reading the items ${median(assemble)}, rendering RSS + Atom + JSON ${median(render)}` +
      `\n  sizes: RSS ${(bytes.rss! / 1024).toFixed(0)} KB, Atom ${(bytes.atom! / 1024).toFixed(0)} KB, JSON Feed ${(bytes.json! / 1024).toFixed(0)} KB`,
  )
}

await payload.destroy()
await db.stop()
fs.rmSync(dataDir, { recursive: true, force: true })
process.exit(0)
