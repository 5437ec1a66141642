/**
 * `npm run bench:fault-seeds`: the fault scenario on many seeds and both databases (the embedded
 * PGlite and the PostgreSQL server at PG_SERVER_URI), a soak too long for CI. Each seed's
 * reconciliation rows go to a JSON-lines file beside the table this prints (markdown, for
 * bench/README.md). FAULT_SEEDS as for `npm run test:faults` (default 20 random seeds per database);
 * FAULT_DATABASES picks "pglite", "postgres" or both (default).
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import type { FaultResult } from '../tests/faults/fault-result'

const seeds = process.env.FAULT_SEEDS ?? '20'
const server = process.env.PG_SERVER_URI ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const databases = (process.env.FAULT_DATABASES ?? 'pglite,postgres').split(',').map((name) => name.trim())
const report = path.resolve(process.env.FAULT_REPORT ?? path.join(os.tmpdir(), `fault-seeds-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`))

const started = Date.now()
for (const database of databases) {
  const env: NodeJS.ProcessEnv = { ...process.env, FAULT_SEEDS: seeds, FAULT_REPORT: report }
  if (database === 'postgres') env.DATABASE_URI = server
  else delete env.DATABASE_URI
  console.log(`\n### ${database}: FAULT_SEEDS=${seeds}`)
  spawnSync('npm', ['run', 'test:faults'], { env, stdio: 'inherit' })
}

type Reported = FaultResult & { passed: boolean }
const results = fs.readFileSync(report, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Reported)
const cell = (result: Reported, channel: string) => {
  const row = result.rows.find((each) => each.channel.startsWith(channel))
  return row ? `${row.interruptedUnits} | ${row.delivered}/${row.expected} | ${row.duplicates} (${row.inDoubt}) | ${row.lost}` : '– | – | – | –'
}
console.log(`\nfault scenario on ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), ${((Date.now() - started) / 60_000).toFixed(0)} min; rows in ${report}\n`)
console.log(
  '| database | seed | outcome | email: interrupted units | delivered | duplicates (in doubt) | lost | social: interrupted | delivered | duplicates (in doubt) | lost | feed: interrupted | entries | duplicates (in doubt) | lost |',
)
console.log('| --- | --: | --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |')
for (const result of results) {
  console.log(`| ${result.database} | ${result.seed} | ${result.passed ? 'passed' : 'FAILED'} | ${cell(result, 'email')} | ${cell(result, 'social')} | ${cell(result, 'feed')} |`)
}
const failed = results.filter((result) => !result.passed)
console.log(`\n${results.length} runs, ${failed.length} failed${failed.length > 0 ? `: ${failed.map((result) => `${result.database} seed ${result.seed}`).join(', ')}` : ''}`)
process.exit(failed.length > 0 ? 1 : 0)
