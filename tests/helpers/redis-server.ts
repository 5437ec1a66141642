import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { Redis } from 'ioredis'

import { freePort } from './free-port'

export async function redisAnswers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 1_000, maxRetriesPerRequest: 0, retryStrategy: () => null })
  client.on('error', () => undefined) // the failed ping below is the answer
  try {
    await client.connect()
    return (await client.ping()) === 'PONG'
  } catch {
    return false
  } finally {
    client.disconnect()
  }
}

export const redisServerInstalled = (): boolean => spawnSync('redis-server', ['--version']).status === 0

export type OwnRedis = { url: string; port: number; process: ChildProcess; stop: () => Promise<void> }

/** A private redis-server on a free port, for tests that must stop and restart Redis themselves. */
export async function startOwnRedis(port?: number): Promise<OwnRedis> {
  const chosen = port ?? (await freePort())
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-'))
  const child = spawn('redis-server', ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: 'ignore',
  })
  const url = `redis://127.0.0.1:${chosen}`
  for (let i = 0; i < 100 && !(await redisAnswers(url)); i++) await new Promise((r) => setTimeout(r, 50))
  if (!(await redisAnswers(url))) throw new Error(`redis-server did not start on port ${chosen}`)
  return {
    url,
    port: chosen,
    process: child,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r))
        child.kill('SIGTERM')
        await exited
      }
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}
