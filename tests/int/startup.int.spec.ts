/** Start-up failures an operator meets: one clear line naming the variable, exit code 1, no stack trace. */
import { describe, expect, it } from 'vitest'

import { freePort } from '../helpers/free-port'
import { runScript, type ScriptResult } from '../helpers/run-script'

const runWorker = (env: Record<string, string>) => runScript('workers/index.ts', env, 60_000)

const expectOneClearLine = (result: ScriptResult, pattern: RegExp) => {
  expect(result.status).toBe(1)
  const lines = result.stderr.trim().split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toMatch(pattern)
  expect(result.stderr + result.stdout).not.toMatch(/\n\s+at /)
}

describe('worker start-up', () => {
  it('stops on an unknown database scheme', async () => {
    expectOneClearLine(await runWorker({ DATABASE_URI: 'mysql://root@localhost/app', PAYLOAD_SECRET: 'x'.repeat(40) }), /^error: Invalid configuration: DATABASE_URI must start with/)
  })

  it('stops when the database does not answer', async () => {
    const port = await freePort()
    expectOneClearLine(
      await runWorker({ DATABASE_URI: `postgres://app:pw@127.0.0.1:${port}/app`, PAYLOAD_SECRET: 'x'.repeat(40) }),
      /^error: DATABASE_URI \(postgres:\/\/app:\*\*\*@127\.0\.0\.1:\d+\/app\) does not answer/,
    )
  })

  it('stops in production without PAYLOAD_SECRET', async () => {
    expectOneClearLine(await runWorker({ NODE_ENV: 'production', DATABASE_URI: 'postgres://127.0.0.1:1/app' }), /^error: Invalid configuration: PAYLOAD_SECRET is required in production/)
  })
})
