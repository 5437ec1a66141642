import { Writable } from 'node:stream'

import pino from 'pino'
import { describe, expect, it } from 'vitest'

import { addressHash, scrubForLog } from '../../src/lib/log-privacy'
import { loggerOptions } from '../../src/lib/logger'

const capture = () => {
  const lines: string[] = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk))
      done()
    },
  })
  return { logger: pino({ ...loggerOptions, level: 'info' }, stream), lines }
}

describe('log lines', () => {
  it('never hold a subscriber’s address (hashed, the same hash each time) or a credential', () => {
    const { logger, lines } = capture()
    logger.info({ subscriber: 'Ann.Lee@example.org', authorization: 'Bearer SG.secret-key', nested: { apiKey: 'SG.secret-key', to: ['bob@example.net'] } }, 'sent to ann.lee@example.org')
    logger.error({ err: new Error('SendGrid refused bob@example.net: invalid') }, 'job failed')
    logger.warn('password reset for carol@example.co.uk')
    const text = lines.join('')
    for (const secret of ['ann.lee@example.org', 'Ann.Lee@example.org', 'bob@example.net', 'carol@example.co.uk', 'SG.secret-key']) expect(text).not.toContain(secret)
    const [first, second, third] = lines.map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(first).toMatchObject({ subscriber: addressHash('ann.lee@example.org'), msg: `sent to ${addressHash('ann.lee@example.org')}`, authorization: '[redacted]', nested: { apiKey: '[redacted]', to: [addressHash('bob@example.net')] } })
    expect((second!.err as { message: string }).message).toBe(`SendGrid refused ${addressHash('bob@example.net')}: invalid`)
    expect(third!.msg).toBe(`password reset for ${addressHash('carol@example.co.uk')}`)
  })

  it('keep what is not personal as it is', () => {
    expect(scrubForLog({ eventId: 12, itemId: '7', channel: 'email', at: 'user@localhost' })).toEqual({ eventId: 12, itemId: '7', channel: 'email', at: 'user@localhost' })
  })
})
