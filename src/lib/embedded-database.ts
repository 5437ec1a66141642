import { PGlite } from '@electric-sql/pglite'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'

export type EmbeddedDatabase = {
  uri: string
  stop: () => Promise<void>
}

/**
 * PostgreSQL compiled to WebAssembly, served on the Postgres wire protocol so the app, the workers and
 * the tests all reach it through the same Postgres adapter. PGlite itself is one session; the socket
 * server's multiplexer lets several pools (app + workers) share it, queueing their queries.
 * `dataDir` undefined keeps everything in memory (tests).
 */
export async function startEmbeddedDatabase(options: {
  dataDir?: string
  host: string
  port: number
  maxConnections?: number
}): Promise<EmbeddedDatabase> {
  const db = await PGlite.create(options.dataDir ?? 'memory://')
  const server = new PGLiteSocketServer({
    db,
    host: options.host,
    port: options.port,
    maxConnections: options.maxConnections ?? 100,
  })
  await server.start()
  return {
    uri: `postgres://postgres@${options.host}:${options.port}/postgres`,
    stop: async () => {
      await server.stop()
      await db.close()
    },
  }
}
