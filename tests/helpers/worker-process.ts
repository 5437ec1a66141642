import { spawn, type ChildProcess } from 'node:child_process'

import { workerNodeFlags } from '../../src/lib/node-flags'

import type { TestPayload } from './payload'

export type WorkerProcess = {
  child: ChildProcess
  output: () => string
  ready: Promise<void>
  /** Sends the signal and resolves with the exit code (null when killed by a signal). */
  stop: (signal: NodeJS.Signals) => Promise<number | null>
}

/** `npm run worker` as a separate process on this test file's database and queue prefix. */
export function startWorkerProcess(ctx: Pick<TestPayload, 'dataDir' | 'databaseUri' | 'queuePrefix' | 'redisUrl'>, env: Record<string, string>): WorkerProcess {
  let output = ''
  const child = spawn(process.execPath, [...workerNodeFlags(256), 'workers/index.ts'], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      SERVICE_NAME: 'worker',
      TSX_DISABLE_CACHE: '1',
      ...(process.env.DATABASE_URI ? { DATABASE_URI: ctx.databaseUri } : { EMBEDDED_DB_PORT: process.env.EMBEDDED_DB_PORT }),
      DATA_DIR: ctx.dataDir,
      PAYLOAD_SECRET: process.env.PAYLOAD_SECRET,
      QUEUE_PREFIX: ctx.queuePrefix,
      REDIS_URL: ctx.redisUrl,
      WORKER_HTTP_PORT: '0',
      ...env,
    } as Record<string, string | undefined> as NodeJS.ProcessEnv,
  })
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const ready = new Promise<void>((resolve, reject) => {
    const deadline = Date.now() + 60_000
    const timer = setInterval(() => {
      if (Date.now() > deadline) {
        clearInterval(timer)
        reject(new Error(`worker not ready after 60 s:\n${output}`))
        return
      }
      if (output.includes('worker ready')) {
        clearInterval(timer)
        resolve()
      } else if (child.exitCode !== null || child.signalCode !== null) {
        clearInterval(timer)
        reject(new Error(`worker exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output}`))
      }
    }, 50)
  })
  return {
    child,
    output: () => output,
    ready,
    stop: async (signal) => {
      // Stopped on purpose: a start it cut short is no failure for those who never waited for it.
      ready.catch(() => undefined)
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      return exited
    },
  }
}
