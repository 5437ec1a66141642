/**
 * `npm run test:faults`: the fault scenario (pipeline-faults.faults.spec.ts) once per seed, each in a
 * vitest run of its own, so every seed gets a fresh database, Redis and workers. One seed passing
 * proves little: where the kills land depends on the seed and on how busy the machine is.
 *
 * FAULT_SEEDS is a count of up to three digits ("3": that many six-digit seeds drawn at random) or
 * seeds separated by commas ("680610,102147"); unset, FAULT_SEED or one random seed. Prints every seed's reconciliation rows and, for a seed that failed,
 * its event log and how to replay it. FAULT_REPORT names a file that each seed's result is appended
 * to as a JSON line (bench/fault-seeds.ts builds its table from it). Exits non-zero if any seed failed.
 */
import { spawn } from 'node:child_process'
import { randomInt } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import type { FaultResult } from './fault-result'

function seedsToRun(): number[] {
  const single = process.env.FAULT_SEED?.trim()
  const spec = process.env.FAULT_SEEDS?.trim() || single || '1'
  if (spec !== single && /^\d{1,3}$/.test(spec)) return Array.from({ length: Number(spec) }, () => randomInt(100_000, 1_000_000))
  const seeds = spec.split(',').map((part) => part.trim())
  const bad = seeds.filter((part) => !/^\d+$/.test(part))
  if (bad.length > 0) throw new Error(`FAULT_SEEDS must be a count (e.g. 3) or seeds separated by commas (e.g. 680610,102147); not: ${bad.join(', ')}`)
  return seeds.map(Number)
}

function runSeed(seed: number, resultFile: string): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['vitest', 'run', '--config', 'vitest.faults.config.ts'], {
      env: { ...process.env, FAULT_SEED: String(seed), FAULT_RESULT: resultFile },
      stdio: 'inherit',
    })
    child.on('error', reject)
    child.on('exit', (code) => resolve(code))
  })
}

const seeds = seedsToRun()
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'fault-seeds-'))
const outcomes: { seed: number; passed: boolean; result?: FaultResult }[] = []
for (const [index, seed] of seeds.entries()) {
  console.log(`\n=== fault scenario, seed ${seed} (${index + 1} of ${seeds.length}) ===`)
  const resultFile = path.join(scratch, `${seed}.json`)
  const code = await runSeed(seed, resultFile)
  const result = fs.existsSync(resultFile) ? (JSON.parse(fs.readFileSync(resultFile, 'utf8')) as FaultResult) : undefined
  outcomes.push({ seed, passed: code === 0, result })
  if (process.env.FAULT_REPORT && result) fs.appendFileSync(process.env.FAULT_REPORT, `${JSON.stringify({ ...result, passed: code === 0 })}\n`)
}
fs.rmSync(scratch, { recursive: true, force: true })

console.log('\n=== fault scenario: every seed ===')
console.log('| seed | database | outcome | email lost / duplicates (in doubt) | social lost / duplicates (in doubt) | feed entries lost |')
console.log('| --: | --- | --- | --- | --- | --: |')
for (const { seed, passed, result } of outcomes) {
  const row = (channel: string) => result?.rows.find((each) => each.channel.startsWith(channel))
  const cell = (channel: string) => (row(channel) ? `${row(channel)!.lost} / ${row(channel)!.duplicates} (${row(channel)!.inDoubt})` : 'not reached')
  console.log(`| ${seed} | ${result?.database ?? '?'} | ${passed ? 'passed' : 'FAILED'} | ${cell('email')} | ${cell('social')} | ${row('feed')?.lost ?? 'not reached'} |`)
}
const failed = outcomes.filter((outcome) => !outcome.passed)
for (const { seed, result } of failed) {
  console.log(`\nseed ${seed} FAILED; replay it with FAULT_SEEDS=${seed} npm run test:faults. Its event log:`)
  console.log(result ? result.timeline.join('\n') : '(the run ended before it wrote one: see its output above)')
}
process.exit(failed.length > 0 ? 1 : 0)
