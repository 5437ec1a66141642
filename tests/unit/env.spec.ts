import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { ConfigError } from '../../src/lib/config-error'
import { parseEnv } from '../../src/lib/env'

const dirs: string[] = []
const tempDataDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'env-test-'))
  dirs.push(dir)
  return dir
}
afterEach(() => dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })))

const secret = 'x'.repeat(40)

describe('parseEnv', () => {
  it('uses the embedded database when DATABASE_URI is unset or empty', () => {
    for (const DATABASE_URI of [undefined, '', '  ']) {
      const env = parseEnv({ DATABASE_URI, PAYLOAD_SECRET: secret, EMBEDDED_DB_PORT: '6000', DATA_DIR: tempDataDir() })
      expect(env.databaseKind).toBe('embedded')
      expect(env.databaseUri).toBe('postgres://postgres@127.0.0.1:6000/postgres')
    }
  })

  it('recognises PostgreSQL and MongoDB URIs', () => {
    expect(parseEnv({ DATABASE_URI: 'postgresql://u:p@db:5432/app', PAYLOAD_SECRET: secret }).databaseKind).toBe('postgres')
    expect(parseEnv({ DATABASE_URI: 'mongodb://mongo:27017/app?replicaSet=rs0', PAYLOAD_SECRET: secret }).databaseKind).toBe('mongodb')
    expect(parseEnv({ DATABASE_URI: 'mongodb+srv://u:p@cluster.example.net/app', PAYLOAD_SECRET: secret }).databaseKind).toBe('mongodb')
  })

  it('rejects an unknown scheme with one line that names the variable', () => {
    const attempt = () => parseEnv({ DATABASE_URI: 'mysql://root@localhost/app', PAYLOAD_SECRET: secret })
    expect(attempt).toThrow(ConfigError)
    expect(attempt).toThrow(/^Invalid configuration: DATABASE_URI must start with postgres:\/\//)
    try {
      attempt()
    } catch (error) {
      expect((error as Error).message).not.toContain('\n')
    }
  })

  it('requires PAYLOAD_SECRET in production and never falls back to an empty one', () => {
    for (const PAYLOAD_SECRET of [undefined, '']) {
      expect(() => parseEnv({ NODE_ENV: 'production', PAYLOAD_SECRET, DATA_DIR: tempDataDir() })).toThrow(/PAYLOAD_SECRET is required in production/)
    }
  })

  it('rejects a short secret', () => {
    expect(() => parseEnv({ PAYLOAD_SECRET: 'short' })).toThrow(/PAYLOAD_SECRET must be at least 32 characters/)
  })

  it('generates a development secret once and keeps it under DATA_DIR', () => {
    const DATA_DIR = tempDataDir()
    const first = parseEnv({ NODE_ENV: 'development', DATA_DIR })
    const second = parseEnv({ NODE_ENV: 'development', DATA_DIR })
    expect(first.PAYLOAD_SECRET).toMatch(/^[0-9a-f]{64}$/)
    expect(second.PAYLOAD_SECRET).toBe(first.PAYLOAD_SECRET)
    expect(fs.readFileSync(path.join(DATA_DIR, 'payload-secret'), 'utf8').trim()).toBe(first.PAYLOAD_SECRET)
    expect(fs.statSync(path.join(DATA_DIR, 'payload-secret')).mode & 0o777).toBe(0o600)
  })

  it('lists every bad variable at once', () => {
    const attempt = () => parseEnv({ PAYLOAD_SECRET: secret, REDIS_URL: 'localhost:6379', PORT: 'eighty', QUEUE_PREFIX: 'a:b' })
    expect(attempt).toThrow(/REDIS_URL must start with redis:\/\//)
    expect(attempt).toThrow(/PORT must be a port number \(1-65535\)/)
    expect(attempt).toThrow(/QUEUE_PREFIX must not contain ":"/)
  })
})
