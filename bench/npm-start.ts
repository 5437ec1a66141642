import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { freePort } from '../tests/helpers/free-port'

export type Stack = {
  /** The app's base URL. */
  app: string
  dataDir: string
  /** Where its database answers: DATABASE_URI when given, else the embedded one's port. */
  databaseUri: string
  admin: { email: string; password: string }
  /** Polls `check` every half second until it holds; fails if npm start exited meanwhile. */
  until: (check: () => Promise<boolean>, seconds: number, what: string) => Promise<void>
  /** A staff token for the REST API (the first admin's). */
  login: () => Promise<string>
  stop: () => Promise<void>
}

/**
 * `npm start` (production build, `next start`, a worker, the embedded database unless DATABASE_URI is
 * given, redis-server and the local mail sink) on free ports in a temporary data folder, as a
 * benchmark's system under test. `env` adds settings, given the data folder.
 */
export async function startStack(prefix: string, env: (dataDir: string) => Record<string, string> = () => ({})): Promise<Stack> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  fs.chmodSync(dataDir, 0o755) // nginx's worker processes read files in it as another user
  const [appPort, dbPort, redisPort, sinkPort] = [await freePort(), await freePort(), await freePort(), await freePort()]
  const app = `http://127.0.0.1:${appPort}`
  const admin = { email: 'bench@example.org', password: 'bench-password-0123456789' }
  const extra = env(dataDir)
  const databaseUri = extra.DATABASE_URI ?? `postgres://postgres@127.0.0.1:${dbPort}/postgres`
  console.log(`starting the app (npm start) on ${app}; the first run builds it...`)
  const stack = spawn('npm', ['start'], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATA_DIR: dataDir,
      PORT: String(appPort),
      PUBLIC_URL: app,
      EMBEDDED_DB_PORT: String(dbPort),
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      MAIL_SINK_PORT: String(sinkPort),
      ADMIN_EMAIL: admin.email,
      ADMIN_PASSWORD: admin.password,
      LOG_LEVEL: 'warn',
      ...extra,
    } as Record<string, string | undefined> as NodeJS.ProcessEnv,
    detached: true,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const until: Stack['until'] = async (check, seconds, what) => {
    for (const deadline = Date.now() + seconds * 1000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 500))) {
      if (stack.exitCode !== null) throw new Error(`npm start exited before ${what}`)
      if (await check().catch(() => false)) return
    }
    throw new Error(`timed out waiting for ${what}`)
  }
  const stop = async () => {
    if (stack.pid && stack.exitCode === null) {
      process.kill(-stack.pid, 'SIGINT')
      await new Promise((resolve) => (stack.exitCode !== null ? resolve(undefined) : stack.once('exit', resolve)))
    }
    // redis-server may still be writing its append-only file as the process group stops.
    fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 })
  }
  try {
    await until(async () => (await fetch(`${app}/admin/login`)).status === 200, 900, 'the app')
  } catch (error) {
    await stop()
    throw error
  }
  const login = async () => {
    const response = await fetch(`${app}/api/users/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(admin) })
    return ((await response.json()) as { token: string }).token
  }
  return { app, dataDir, databaseUri, admin, until, login, stop }
}
