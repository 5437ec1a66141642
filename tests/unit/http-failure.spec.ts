import { describe, expect, it } from 'vitest'

import { httpDeliveryError, networkDeliveryError, retryAfterMs } from '../../src/delivery/http-failure'

describe('provider failures', () => {
  it('read Retry-After as seconds or a date, within bounds', () => {
    const now = Date.parse('2026-11-28T10:00:00Z')
    expect(retryAfterMs('12', now)).toBe(12_000)
    expect(retryAfterMs('Sat, 28 Nov 2026 10:01:00 GMT', now)).toBe(60_000)
    expect(retryAfterMs(undefined, now)).toBe(30_000)
    expect(retryAfterMs('-5', now)).toBe(30_000)
    expect(retryAfterMs('soon', now)).toBe(30_000)
    expect(retryAfterMs('86400', now)).toBe(15 * 60_000)
  })

  it('make 429 a slow-down, 401/403 a pause of the channel, other 4xx final, and 5xx or no answer retryable', () => {
    expect(httpDeliveryError('The hub', 429, 'slow down', '7')).toMatchObject({ retryable: true, retryAfterMs: 7000, message: 'The hub answered 429: slow down' })
    expect(httpDeliveryError('The hub', 400, 'hub.url must be an absolute URL')).toMatchObject({
      retryable: false,
      pausesChannel: false,
      message: 'The hub answered 400: hub.url must be an absolute URL',
    })
    expect(httpDeliveryError('SendGrid', 401, 'bad key')).toMatchObject({ retryable: false, pausesChannel: true })
    expect(httpDeliveryError('SendGrid', 403, 'access forbidden')).toMatchObject({ retryable: false, pausesChannel: true })
    expect(httpDeliveryError('SendGrid', 404, 'not found')).toMatchObject({ pausesChannel: false })
    expect(httpDeliveryError('The hub', 503, '')).toMatchObject({ retryable: true, retryAfterMs: undefined, message: 'The hub answered 503' })
    expect(networkDeliveryError('the hub', new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') }))).toMatchObject({
      retryable: true,
      message: 'Could not reach the hub: connect ECONNREFUSED',
    })
  })
})
