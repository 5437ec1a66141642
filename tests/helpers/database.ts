import { randomBytes } from 'node:crypto'

import mongoose from 'mongoose'
import pg from 'pg'
import { inject } from 'vitest'

import { startEmbeddedDatabase } from '../../src/lib/embedded-database'
import { freePort } from './free-port'

/** `embeddedPort` is set for the embedded database: the app is then configured as `npm start` runs it (DATABASE_URI unset). */
export type TestDatabase = { uri: string; embeddedPort?: number; stop: () => Promise<void> }

const withDatabaseName = (uri: string, name: string): string => {
  const url = new URL(uri)
  url.pathname = `/${name}`
  return url.toString()
}

/**
 * A database of this test file's own: a fresh in-memory PGlite on a free port by default, or a new
 * database on the server given by DATABASE_URI (or `server`), dropped again at the end.
 */
export async function startTestDatabase(server: string | undefined = inject('databaseServerUri')): Promise<TestDatabase> {
  if (!server) {
    const port = await freePort()
    return { ...(await startEmbeddedDatabase({ host: '127.0.0.1', port })), embeddedPort: port }
  }

  const name = `test_${randomBytes(6).toString('hex')}`
  if (server.startsWith('mongodb')) {
    const uri = withDatabaseName(server, name)
    return {
      uri,
      stop: async () => {
        const connection = await mongoose.createConnection(uri).asPromise()
        await connection.dropDatabase()
        await connection.close()
      },
    }
  }

  const admin = new pg.Client({ connectionString: server })
  await admin.connect()
  await admin.query(`CREATE DATABASE "${name}"`)
  await admin.end()
  return {
    uri: withDatabaseName(server, name),
    stop: async () => {
      const client = new pg.Client({ connectionString: server })
      await client.connect()
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
      await client.end()
    },
  }
}
