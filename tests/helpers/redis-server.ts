import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { pingRedis } from '../../src/lib/redis'
import { freePort } from './free-port'

export const redisAnswers = (url: string): Promise<boolean> =>
  pingRedis(url, 1_000).then(
    () => true,
    () => false,
  )

export const redisServerInstalled = (): boolean => spawnSync('redis-server', ['--version']).status === 0

export type OwnRedis = { url: string; port: number; process: ChildProcess; stop: () => Promise<void> }

/**
 * A private redis-server on a free port, for tests that must stop and restart Redis themselves. With
 * `dir`, it keeps an append-only file there (as production Redis must), so a restart on the same port
 * and dir comes back with its data.
 */
export async function startOwnRedis(options: { port?: number; dir?: string } = {}): Promise<OwnRedis> {
  const chosen = options.port ?? (await freePort())
  const persistent = Boolean(options.dir)
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'redis-'))
  const persistence = persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']
  const child = spawn('redis-server', ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', ...persistence, '--maxmemory-policy', 'noeviction', '--dir', dir], {
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
      if (!persistent) fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}
