/**
 * Runs the embedded PostgreSQL (PGlite) on EMBEDDED_DB_HOST:EMBEDDED_DB_PORT with its data under
 * DATA_DIR/pglite, until SIGINT/SIGTERM. `npm start` runs it for you when DATABASE_URI is unset.
 */
import '../src/lib/load-dotenv'

import path from 'node:path'

import { startEmbeddedDatabase } from '../src/lib/embedded-database'
import { getEnv } from '../src/lib/env'
import { runMain } from '../src/lib/run-main'

await runMain(async () => {
  const env = getEnv()
  const dataDir = path.join(env.dataDir, 'pglite')
  const database = await startEmbeddedDatabase({ dataDir, host: env.EMBEDDED_DB_HOST, port: env.EMBEDDED_DB_PORT })
  console.log(`embedded PostgreSQL (PGlite) listening on ${env.EMBEDDED_DB_HOST}:${env.EMBEDDED_DB_PORT}, data in ${dataDir}`)
  const stop = async () => {
    // A clean close flushes PGlite's data directory; a kill -9 may lose the last writes.
    await database.stop()
    process.exit(0)
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
})
