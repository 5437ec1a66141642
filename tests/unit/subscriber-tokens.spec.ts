import { describe, expect, it } from 'vitest'

import { subscriberToken, verifySubscriberToken } from '../../src/subscribers/tokens'

const SECRET = 'a-secret-that-is-long-enough-0123456789'

describe('subscriber link tokens', () => {
  it('are good for their subscriber and purpose only', () => {
    const token = subscriberToken(SECRET, 'unsubscribe', 42)
    expect(verifySubscriberToken(SECRET, 'unsubscribe', token)).toBe('42')
    expect(verifySubscriberToken(SECRET, 'preferences', token)).toBeUndefined()
    expect(verifySubscriberToken('another-secret-that-is-long-enough-000', 'unsubscribe', token)).toBeUndefined()
    const [, expires, signature] = token.split('.')
    expect(verifySubscriberToken(SECRET, 'unsubscribe', `43.${expires}.${signature}`)).toBeUndefined()
  })

  it('expire when given an expiry, and unsubscribe links never do', () => {
    const now = new Date('2026-11-28T12:00:00Z')
    const confirm = subscriberToken(SECRET, 'confirm', 7, new Date('2026-12-05T12:00:00Z'))
    expect(verifySubscriberToken(SECRET, 'confirm', confirm, now)).toBe('7')
    expect(verifySubscriberToken(SECRET, 'confirm', confirm, new Date('2026-12-05T12:00:01Z'))).toBeUndefined()
    const [, expires, signature] = confirm.split('.')
    expect(verifySubscriberToken(SECRET, 'confirm', `7.0.${signature}`, now)).toBeUndefined() // cannot drop the expiry
    expect(expires).not.toBe('0')
    expect(verifySubscriberToken(SECRET, 'unsubscribe', subscriberToken(SECRET, 'unsubscribe', 7), new Date('2036-01-01'))).toBe('7')
  })

  it('reject malformed input without throwing', () => {
    for (const junk of ['', '.', '1..x', '1.2.3', 'x'.repeat(500), "1.0.'; drop table subscribers; --", '1.0.\u0000'.padEnd(50, 'a')]) {
      expect(verifySubscriberToken(SECRET, 'unsubscribe', junk)).toBeUndefined()
    }
  })
})
