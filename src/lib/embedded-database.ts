import fs from 'node:fs'
import net from 'node:net'

import { PGlite } from '@electric-sql/pglite'
import { PGLiteSocketHandler, type PGLiteSocketHandlerOptions } from '@electric-sql/pglite-socket'

import { PgMessageFramer } from './pg-message-framer'
import { PGliteProtocolQueue } from './pglite-protocol-queue'

export type EmbeddedDatabase = {
  uri: string
  stop: () => Promise<void>
}

/**
 * Makes the socket's 'data' listeners (the connection handler's) receive whole protocol messages
 * instead of network chunks: see PgMessageFramer for why.
 */
function deliverWholeMessages(socket: net.Socket): void {
  const framer = new PgMessageFramer()
  const listeners: ((data: Buffer) => void)[] = []
  const on = socket.on.bind(socket)
  on('data', (chunk: Buffer) => {
    const messages = framer.push(chunk)
    if (messages) for (const listener of listeners) listener(messages)
  })
  socket.on = ((event: string, listener: (data: Buffer) => void) => {
    if (event !== 'data') return on(event, listener)
    listeners.push(listener)
    return socket
  }) as typeof socket.on
}

/**
 * PostgreSQL compiled to WebAssembly, served on the Postgres wire protocol so the app, the workers and
 * the tests all reach it through the same Postgres adapter. PGlite itself is one session: pglite-socket's
 * connection handler speaks the protocol, and our queue (see PGliteProtocolQueue) lets many connections
 * share the session safely. `dataDir` undefined keeps everything in memory (tests).
 */
export async function startEmbeddedDatabase(options: { dataDir?: string; host: string; port: number }): Promise<EmbeddedDatabase> {
  // PGlite creates its own folder but not the ones above it (a DATA_DIR that does not exist yet).
  if (options.dataDir) fs.mkdirSync(options.dataDir, { recursive: true })
  const db = await PGlite.create(options.dataDir ?? 'memory://')
  const queryQueue = new PGliteProtocolQueue(db)
  const handlers = new Set<PGLiteSocketHandler>()

  const server = net.createServer((socket) => {
    deliverWholeMessages(socket)
    const handler = new PGLiteSocketHandler({
      // The handler needs only enqueue / clearQueueForHandler / clearTransactionIfNeeded of its queue.
      queryQueue: queryQueue as unknown as PGLiteSocketHandlerOptions['queryQueue'],
      closeOnDetach: true,
    })
    handlers.add(handler)
    const forget = () => handlers.delete(handler)
    handler.addEventListener('close', forget)
    handler.addEventListener('error', forget)
    handler.attach(socket).catch(() => {
      forget()
      socket.destroy()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => resolve())
  })

  return {
    uri: `postgres://postgres@${options.host}:${options.port}/postgres`,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const handler of handlers) void handler.detach(true)
      })
      await db.close()
    },
  }
}
