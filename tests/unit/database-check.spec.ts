import { describe, expect, it } from 'vitest'

import { ConfigError } from '../../src/lib/config-error'
import { assertDatabaseReachable, redactUri } from '../../src/lib/database-check'
import { parseEnv } from '../../src/lib/env'
import { freePort } from '../helpers/free-port'

const secret = 'x'.repeat(40)

describe('assertDatabaseReachable', () => {
  it('names DATABASE_URI, hides the password, and says why when a server does not answer', async () => {
    const port = await freePort()
    const env = parseEnv({ PAYLOAD_SECRET: secret, DATABASE_URI: `postgres://app:hunter2@127.0.0.1:${port}/app` })
    const error = await assertDatabaseReachable(env).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as Error).message).toBe(`DATABASE_URI (postgres://app:***@127.0.0.1:${port}/app) does not answer: connect ECONNREFUSED 127.0.0.1:${port}`)
  })

  it('tells how to start the embedded database when it is not running', async () => {
    const port = await freePort()
    const env = parseEnv({ PAYLOAD_SECRET: secret, EMBEDDED_DB_PORT: String(port) })
    await expect(assertDatabaseReachable(env)).rejects.toThrow(/DATABASE_URI is unset and the embedded database at 127\.0\.0\.1:\d+ does not answer .*npm run db:embedded/)
  })
})

describe('redactUri', () => {
  it('keeps the user and hides the password', () => {
    expect(redactUri('mongodb://admin:s3cr3t@mongo:27017/app')).toBe('mongodb://admin:***@mongo:27017/app')
    expect(redactUri('postgres://postgres@127.0.0.1:5432/postgres')).toBe('postgres://postgres@127.0.0.1:5432/postgres')
  })
})
