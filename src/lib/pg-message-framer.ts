const PROTOCOL_3 = 196608 // the startup message's protocol version: typed messages follow it

/**
 * Cuts a client's byte stream into whole Postgres protocol messages. pglite-socket appends every
 * chunk it receives to its buffer with Buffer.concat, so a message arriving as a thousand 64 KB chunks
 * (a 60 MB feed being stored) costs a thousand ever-larger copies: quadratic, 97 s instead of a
 * fraction of one. Given whole messages, it copies once. Before the startup message the stream holds
 * untyped messages (SSL and GSS encryption requests, cancel requests, the startup message itself:
 * a length first); after it, typed ones (a type byte, then a length that counts itself).
 */
export class PgMessageFramer {
  private chunks: Buffer[] = []
  private buffered = 0
  private started = false
  /** The length of the first buffered message, once known. */
  private needed: number | undefined

  /** Takes a chunk; returns the whole messages now available, as one buffer, or undefined. */
  push(chunk: Buffer): Buffer | undefined {
    this.chunks.push(chunk)
    this.buffered += chunk.length
    this.needed ??= this.nextMessageLength()
    if (this.needed === undefined || this.buffered < this.needed) return undefined
    this.needed = undefined

    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered)
    let offset = 0
    for (;;) {
      const length = this.messageLength(all, offset)
      if (length === undefined || offset + length > all.length) break
      if (length < 5) {
        // Not the protocol: hand everything over and let the connection handler refuse it.
        offset = all.length
        break
      }
      if (!this.started && all.readInt32BE(offset + 4) === PROTOCOL_3) this.started = true
      offset += length
    }
    const rest = all.subarray(offset)
    this.chunks = rest.length > 0 ? [rest] : []
    this.buffered = rest.length
    return all.subarray(0, offset)
  }

  /** The length of the first buffered message, once its header has arrived. */
  private nextMessageLength(): number | undefined {
    const headerSize = this.started ? 5 : 8
    if (this.buffered < headerSize) return undefined
    const header = Buffer.alloc(headerSize)
    let filled = 0
    for (const chunk of this.chunks) {
      filled += chunk.copy(header, filled, 0, Math.min(chunk.length, headerSize - filled))
      if (filled === headerSize) break
    }
    return this.messageLength(header, 0)
  }

  private messageLength(buffer: Buffer, offset: number): number | undefined {
    if (this.started) return buffer.length - offset >= 5 ? 1 + buffer.readInt32BE(offset + 1) : undefined
    return buffer.length - offset >= 8 ? buffer.readInt32BE(offset) : undefined
  }
}
