import type { PGlite } from '@electric-sql/pglite'

type Item = { handlerId: number; data: Uint8Array; onData: (data: Uint8Array) => void; resolve: (bytes: number) => void; reject: (error: unknown) => void }

const SYNC = 0x53 // 'S': ends an extended-protocol exchange (Parse, Bind, Describe, Execute, Sync)
const QUERY = 0x51 // 'Q': a simple query, complete in itself
const TERMINATE = 0x58 // 'X'
const FLUSH = 0x48 // 'H'

const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

/**
 * Serialises the Postgres wire protocol of many client connections onto one PGlite session.
 *
 * pglite-socket's own queue runs each protocol message as it arrives, so outside a transaction the
 * Parse of one connection can land between the Parse and Bind of another, which clobbers the unnamed
 * statement ("bind message supplies 1 parameters, but prepared statement requires 6"): seen here with
 * the app and a worker querying at once. This queue holds a connection's messages until its exchange is
 * complete (Sync, a simple Query, Flush or Terminate) and runs the exchange as one unit; while a
 * connection has a transaction open, only that connection's exchanges run.
 * It implements the interface PGLiteSocketHandler expects of its `queryQueue`.
 */
export class PGliteProtocolQueue {
  private readonly partial = new Map<number, Uint8Array[]>()
  private readonly queue: Item[] = []
  private processing = false
  private transactionOwner: number | null = null
  /** Connections that closed: an exchange of theirs still running when they went must not leave a transaction open. */
  private readonly closed = new Set<number>()

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    const type = message[0]
    const parts = [...(this.partial.get(handlerId) ?? []), message]
    // The startup message has no type byte (it begins with its length); it stands alone.
    const complete = type === 0 || type === SYNC || type === QUERY || type === TERMINATE || type === FLUSH
    if (!complete) {
      this.partial.set(handlerId, parts)
      return Promise.resolve(0)
    }
    this.partial.delete(handlerId)
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, data: concat(parts), onData, resolve, reject })
      void this.process()
    })
  }

  private next(): Item | undefined {
    if (this.transactionOwner === null) return this.queue.shift()
    const index = this.queue.findIndex((item) => item.handlerId === this.transactionOwner)
    return index === -1 ? undefined : this.queue.splice(index, 1)[0]
  }

  private async process(): Promise<void> {
    if (this.processing) return
    this.processing = true
    try {
      for (let item = this.next(); item; item = this.next()) {
        let bytes = 0
        const current = item
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(current.data, {
              onRawData: (data) => {
                bytes += data.length
                current.onData(data)
              },
            }),
          )
          current.resolve(bytes)
        } catch (error) {
          current.reject(error)
        }
        this.transactionOwner = this.db.isInTransaction() ? current.handlerId : null
        if (this.transactionOwner !== null && this.closed.has(this.transactionOwner)) {
          // Its connection closed while this exchange (say, a BEGIN) ran: nobody will ever end it.
          await this.db.exec('ROLLBACK')
          this.transactionOwner = null
        }
      }
    } finally {
      this.processing = false
    }
  }

  getQueueLength(): number {
    return this.queue.length
  }

  clearQueueForHandler(handlerId: number): void {
    this.closed.add(handlerId)
    this.partial.delete(handlerId)
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i]!.handlerId === handlerId) this.queue.splice(i, 1)[0]!.reject(new Error('Handler disconnected'))
    }
  }

  /** A connection that drops mid-transaction must not hold everyone else: roll its transaction back. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.transactionOwner !== handlerId) return
    // exec takes PGlite's own lock; nothing else runs meanwhile, as only the owner's exchanges may.
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK')
    this.transactionOwner = null
    void this.process()
  }
}
