/**
 * `npm start`: the whole product on one machine. Starts the embedded database (when DATABASE_URI is
 * unset), a local redis-server (when REDIS_URL does not answer and one is installed) and the local
 * mail sink (when SENDGRID_API_KEY is unset), builds the app if its sources changed, prepares the
 * database (migrations, first admin, demo content), then runs the app on PORT and the worker, until
 * Ctrl-C. `npm run dev` does the same with `next dev` and schema push. npm runs it with Node and
 * tsx's loader, not tsx's own command, whose signal relay kills a child that takes a while to stop.
 */
import '../src/lib/load-dotenv'

import { randomBytes } from 'node:crypto'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { ConfigError } from '../src/lib/config-error'
import { assertDatabaseReachable } from '../src/lib/database-check'
import { devSecretPath, parseEnv } from '../src/lib/env'
import { NODE_FLAGS, workerNodeFlags } from '../src/lib/node-flags'
import { assertRedisReachable } from '../src/lib/redis'
import { runMain } from '../src/lib/run-main'

const dev = process.argv.includes('--dev')
// Next's own script, run by this Node directly: a wrapper (npx, a shell) would not pass SIGTERM on.
const nextBin = fileURLToPath(import.meta.resolve('next/dist/bin/next'))
const children: ChildProcess[] = []
let stopping = false

/**
 * Starts a child in a process group of its own: a terminal's Ctrl-C reaches this launcher only, which
 * then stops the children in order (the database last), instead of every child at once.
 */
function run(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(command, args, { env, stdio: 'inherit', detached: true })
  children.push(child)
  child.on('exit', (code, signal) => {
    if (stopping) return
    console.error(`${name} exited (${signal ?? `code ${code}`}); stopping everything`)
    void stopAll(1)
  })
  return child
}

async function stopChildren(): Promise<void> {
  stopping = true
  // Reverse start order: worker and app first, the database last so they can finish their writes.
  // The wait covers a worker letting its in-flight jobs finish (it gives up after 20 s).
  for (const child of [...children].reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 25_000))])
  }
}

async function stopAll(code: number): Promise<void> {
  if (stopping) return
  await stopChildren()
  process.exit(code)
}

async function waitFor(check: () => Promise<void>, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000
  for (;;) {
    try {
      return await check()
    } catch (error) {
      if (Date.now() > deadline) throw error
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }
}

function newestSourceTime(): number {
  const roots = ['src', 'payload.config.ts', 'next.config.ts', 'package-lock.json']
  let newest = 0
  const visit = (entry: string) => {
    const stat = fs.statSync(entry)
    newest = Math.max(newest, stat.mtimeMs)
    if (stat.isDirectory()) for (const name of fs.readdirSync(entry)) visit(path.join(entry, name))
  }
  roots.filter((entry) => fs.existsSync(entry)).forEach(visit)
  return newest
}

function needsBuild(): boolean {
  const buildId = '.next/BUILD_ID'
  return !fs.existsSync(buildId) || fs.statSync(buildId).mtimeMs < newestSourceTime()
}

/** The local launcher's key for social credentials, made once per data directory (readable by its owner only). */
function localSocialKey(dataDir: string): string {
  const file = path.join(dataDir, 'social-credentials-key')
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim()
  const key = randomBytes(32).toString('hex')
  fs.mkdirSync(dataDir, { recursive: true })
  fs.writeFileSync(file, `${key}\n`, { mode: 0o600 })
  return key
}

const isLocal = (url: string) => ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(new URL(url).hostname)

async function start(): Promise<void> {
  const childEnv: NodeJS.ProcessEnv = {
    NEXT_TELEMETRY_DISABLED: '1',
    ...process.env,
    NODE_ENV: dev ? 'development' : 'production',
  }
  const dataDir = path.resolve(process.env.DATA_DIR || './data')

  if (!childEnv.PAYLOAD_SECRET) {
    // Only this local launcher does this; a production deployment (docker-compose) must set one.
    const probe = parseEnv({ ...childEnv, NODE_ENV: 'development' })
    childEnv.PAYLOAD_SECRET = probe.PAYLOAD_SECRET
    console.log(`PAYLOAD_SECRET is not set: using the local secret in ${devSecretPath(dataDir)} (set PAYLOAD_SECRET for a real deployment)`)
  }
  if (!childEnv.SOCIAL_CREDENTIALS_KEY) {
    // The same for the key that seals social accounts' credentials: kept beside the local secret.
    childEnv.SOCIAL_CREDENTIALS_KEY = localSocialKey(dataDir)
    console.log(`SOCIAL_CREDENTIALS_KEY is not set: using the local key in ${path.join(dataDir, 'social-credentials-key')}`)
  }
  const env = parseEnv(childEnv)

  if (env.databaseKind === 'embedded') {
    run('embedded database', process.execPath, [...NODE_FLAGS, 'scripts/embedded-db.ts'], childEnv)
    await waitFor(() => assertDatabaseReachable(env), 60)
  } else {
    await assertDatabaseReachable(env)
  }

  try {
    await assertRedisReachable(env.REDIS_URL)
  } catch (error) {
    const installed = spawnSync('redis-server', ['--version']).status === 0
    if (!isLocal(env.REDIS_URL) || !installed) {
      throw new ConfigError(
        `${(error as Error).message}. Start Redis, point REDIS_URL at one, or install redis-server (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) and npm start will run it.`,
      )
    }
    const redisDir = path.join(dataDir, 'redis')
    fs.mkdirSync(redisDir, { recursive: true })
    const port = new URL(env.REDIS_URL).port || '6379'
    console.log(`Redis does not answer at ${env.REDIS_URL}: starting redis-server (data in ${redisDir})`)
    run('redis-server', 'redis-server', ['--port', port, '--bind', '127.0.0.1', '--dir', redisDir, '--appendonly', 'yes', '--maxmemory-policy', 'noeviction'], childEnv)
    await waitFor(() => assertRedisReachable(env.REDIS_URL), 30)
  }

  if (!env.SENDGRID_API_KEY) {
    // Without a SendGrid account the alerts still go out: to a local stand-in that shows them.
    const port = process.env.MAIL_SINK_PORT || '3025'
    const sink = `http://127.0.0.1:${port}`
    run('mail sink', process.execPath, [...NODE_FLAGS, 'dev/mail-sink/index.ts'], { ...childEnv, MAIL_SINK_PORT: port })
    await waitFor(async () => {
      await fetch(`${sink}/inbox`)
    }, 30)
    Object.assign(childEnv, { SENDGRID_API_KEY: 'SG.local-mail-sink', SENDGRID_BASE_URL: sink })
    console.log(`SENDGRID_API_KEY is not set: alert emails go to the local mail sink, inbox at ${sink}/inbox`)
  }

  if (!dev && needsBuild()) {
    console.log('Building the app (first start, or its sources changed)...')
    const build = spawnSync(process.execPath, [nextBin, 'build'], { env: childEnv, stdio: 'inherit' })
    if (build.status !== 0) throw new ConfigError('`next build` failed: see its output above')
  }

  const prepare = spawnSync(process.execPath, [...NODE_FLAGS, 'scripts/prepare.ts'], { env: childEnv, stdio: 'inherit' })
  if (prepare.status !== 0) throw new ConfigError('Preparing the database failed: see the output above')

  run('app', process.execPath, [nextBin, dev ? 'dev' : 'start', '--port', String(env.PORT)], childEnv)
  run('worker', process.execPath, [...workerNodeFlags(env.WORKER_HEAP_MB), 'workers/index.ts'], { ...childEnv, SERVICE_NAME: 'worker' })
  console.log(`\nAdmin: ${env.PUBLIC_URL}/admin   API: ${env.PUBLIC_URL}/api   (Ctrl-C stops everything)\n`)

}

// `on`, not `once`: a terminal's Ctrl-C reaches this process from the terminal and again from npm,
// which forwards it; a second signal with no listener would kill the launcher mid-stop and leave the
// children (in groups of their own) running.
process.on('SIGINT', () => void stopAll(0))
process.on('SIGTERM', () => void stopAll(0))
// The terminal closed: its hangup no longer reaches the children in their own groups.
process.on('SIGHUP', () => void stopAll(0))
// Whatever way this launcher ends, nothing it started outlives it.
process.once('exit', () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
})

await runMain(async () => {
  try {
    await start()
  } catch (error) {
    // Nothing half-started is left behind: the database or Redis this run started stops with it.
    await stopChildren()
    throw error
  }
})
