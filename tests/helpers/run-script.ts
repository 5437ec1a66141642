import { spawn } from 'node:child_process'

import { NODE_FLAGS } from '../../src/lib/node-flags'

export type ScriptResult = { status: number | null; stdout: string; stderr: string }

/**
 * Runs one of the project's TypeScript entry points in a child Node process with exactly `env` (plus
 * PATH). Asynchronous on purpose: the test's embedded database runs in this process and must keep
 * answering while the child talks to it.
 */
export function runScript(script: string, env: Record<string, string>, timeoutMs = 120_000): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...NODE_FLAGS, script], {
      env: { NODE_ENV: 'test', PATH: process.env.PATH, ...env } as Record<string, string | undefined> as NodeJS.ProcessEnv,
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${script} did not finish within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`))
    }, timeoutMs)
    child.on('error', reject)
    child.on('close', (status) => {
      clearTimeout(timer)
      resolve({ status, stdout, stderr })
    })
  })
}
