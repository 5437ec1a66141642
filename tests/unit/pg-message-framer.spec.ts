import { describe, expect, it } from 'vitest'

import { PgMessageFramer } from '../../src/lib/pg-message-framer'

const untyped = (code: number, payload = Buffer.alloc(0)) => {
  const header = Buffer.alloc(8)
  header.writeInt32BE(8 + payload.length, 0)
  header.writeInt32BE(code, 4)
  return Buffer.concat([header, payload])
}
const typed = (type: string, payload: Buffer) => {
  const header = Buffer.alloc(5)
  header.write(type, 0)
  header.writeInt32BE(4 + payload.length, 1)
  return Buffer.concat([header, payload])
}
const SSL_REQUEST = untyped(80877103)
const STARTUP = untyped(196608, Buffer.from('user\0postgres\0\0'))

/** Feeds a stream to a framer in chunks of `size` and collects what it hands on. */
const frame = (stream: Buffer, size: number) => {
  const framer = new PgMessageFramer()
  const out: Buffer[] = []
  for (let at = 0; at < stream.length; at += size) {
    const messages = framer.push(stream.subarray(at, at + size))
    if (messages) out.push(messages)
  }
  return out
}

describe('PgMessageFramer', () => {
  const query = typed('Q', Buffer.from('select 1\0'))
  const big = typed('P', Buffer.alloc(3 * 1024 * 1024, 0x61))
  const stream = Buffer.concat([SSL_REQUEST, STARTUP, query, big, query])

  it('hands on exactly the bytes it got, cut only at message boundaries', () => {
    for (const size of [1, 3, 7, 64 * 1024, stream.length]) {
      const out = frame(stream, size)
      expect(Buffer.concat(out).equals(stream), `chunks of ${size}`).toBe(true)
      const boundaries = [SSL_REQUEST, STARTUP, query, big, query].reduce<number[]>((ends, message) => [...ends, (ends.at(-1) ?? 0) + message.length], [])
      let end = 0
      for (const piece of out) {
        end += piece.length
        expect(boundaries).toContain(end)
      }
    }
  })

  it('holds a large message until it is whole, then hands it on in one piece', () => {
    const framer = new PgMessageFramer()
    expect(framer.push(Buffer.concat([STARTUP]))?.length).toBe(STARTUP.length)
    let handed: Buffer | undefined
    for (let at = 0; at < big.length; at += 65_536) {
      expect(handed).toBeUndefined()
      handed = framer.push(big.subarray(at, at + 65_536))
    }
    expect(handed?.equals(big)).toBe(true)
  })

  it('passes garbage on rather than looping on it', () => {
    const framer = new PgMessageFramer()
    framer.push(STARTUP)
    const garbage = Buffer.from([0x51, 0, 0, 0, 0, 0x41, 0x42])
    expect(framer.push(garbage)?.equals(garbage)).toBe(true)
  })
})
