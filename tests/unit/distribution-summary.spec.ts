import { describe, expect, it } from 'vitest'

import type { Delivery } from '@/payload-types'

import { summarise } from '../../src/components/DistributionPanel/summarise'

let id = 0
const row = (event: number, channel: string, state: Delivery['state'], size = 1, lastError: string | null = null): Delivery => ({
  id: ++id,
  event,
  collection: 'announcements',
  itemId: '7',
  channel,
  unitKey: `${event}-${channel}-${id}`,
  state,
  urgency: 'urgent',
  size,
  attempts: 1,
  lastError,
  updatedAt: '',
  createdAt: '',
})

describe('summarise (the Distribution panel)', () => {
  it('groups by event, newest first, and by channel, with progress counted in recipients', () => {
    const events = summarise([
      row(1, 'log', 'sent'),
      row(2, 'email', 'sent', 1000),
      row(2, 'email', 'sent', 1000),
      row(2, 'email', 'sending', 1000),
      row(2, 'email', 'failed', 500, 'SendGrid answered 400: invalid from address'),
      row(2, 'log', 'in_doubt', 1, 'The worker stopped while sending'),
    ])
    expect(events.map((event) => event.eventId)).toEqual([2, 1])
    const [email, log] = events[0]!.channels
    expect(email).toMatchObject({ channel: 'email', sent: 2000, total: 3500, byState: { sent: 2, sending: 1, failed: 1 } })
    expect(email!.actionable.map((delivery) => delivery.lastError)).toEqual(['SendGrid answered 400: invalid from address'])
    expect(log).toMatchObject({ channel: 'log', sent: 0, total: 1, byState: { in_doubt: 1 } })
    expect(events[0]!.active).toBe(true)
    expect(events[1]!.active).toBe(false)
  })

  it('is empty for an item never sent', () => {
    expect(summarise([])).toEqual([])
  })
})
