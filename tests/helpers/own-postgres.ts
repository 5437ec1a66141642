import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { freePort } from './free-port'

export type OwnPostgres = { uri: string; restart: () => void; stop: () => void }

/** The server binaries of the PostgreSQL the machine runs (Debian keeps them out of PATH). */
function binDir(): string {
  const fromConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' })
  if (fromConfig.status === 0 && fs.existsSync(path.join(fromConfig.stdout.trim(), 'pg_ctl'))) return fromConfig.stdout.trim()
  const versions = fs.existsSync('/usr/lib/postgresql') ? fs.readdirSync('/usr/lib/postgresql').sort() : []
  const found = versions.map((version) => `/usr/lib/postgresql/${version}/bin`).find((dir) => fs.existsSync(path.join(dir, 'pg_ctl')))
  if (!found) throw new Error('No PostgreSQL server binaries found (pg_ctl): install postgresql')
  return found
}

/**
 * A PostgreSQL server of the test's own (initdb in a temporary folder, a free port, trust auth), for a
 * test that must restart the database under the pipeline: the machine's server is shared with other
 * runs. PostgreSQL refuses to run as root, so as root it runs as the `postgres` user.
 */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  const bin = binDir()
  const port = await freePort()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'own-postgres-'))
  const asRoot = process.getuid?.() === 0
  if (asRoot) execFileSync('chown', ['postgres:postgres', dir])
  const run = (tool: string, args: string[]) => {
    const command = asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args]] as const : [path.join(bin, tool), args] as const
    execFileSync(command[0], command[1], { stdio: 'pipe' })
  }
  const data = path.join(dir, 'data')
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync'])
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`
  run('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'server.log'), '-w', 'start'])
  return {
    uri: `postgres://postgres@127.0.0.1:${port}/postgres`,
    restart: () => run('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'server.log'), '-m', 'immediate', '-w', 'restart']),
    stop: () => {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'])
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}
