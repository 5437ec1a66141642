import { describe, expect, it } from 'vitest'

import { nextFreeSlot, type PostingSchedule, scheduleProblem } from '../../src/channels/social/next-slot'

// Europe/London: GMT in winter, BST (UTC+1) from the last Sunday of March.
const london: PostingSchedule = {
  timeZone: 'Europe/London',
  slots: [
    { weekday: 1, time: '09:00' },
    { weekday: 1, time: '17:30' },
    { weekday: 3, time: '12:00' },
  ],
}
const at = (iso: string) => new Date(iso)

describe('nextFreeSlot', () => {
  it.each([
    ['before Monday’s first slot', '2026-11-30T08:00:00Z', '2026-11-30T09:00:00.000Z'],
    ['between Monday’s slots', '2026-11-30T10:00:00Z', '2026-11-30T17:30:00.000Z'],
    ['exactly at a slot', '2026-11-30T09:00:00Z', '2026-11-30T09:00:00.000Z'],
    ['after Monday’s last slot', '2026-11-30T18:00:00Z', '2026-12-02T12:00:00.000Z'],
    ['on Thursday, to next Monday', '2026-12-03T08:00:00Z', '2026-12-07T09:00:00.000Z'],
  ])('%s', (_, now, expected) => {
    expect(nextFreeSlot(london, at(now))?.toISOString()).toBe(expected)
  })

  it('keeps local time across daylight saving: Monday 09:00 in summer is 08:00 UTC', () => {
    expect(nextFreeSlot(london, at('2026-06-01T07:00:00Z'))?.toISOString()).toBe('2026-06-01T08:00:00.000Z')
    // The clocks go forward on Sunday 29 March 2026; the next Monday's 09:00 is BST.
    expect(nextFreeSlot(london, at('2026-03-28T12:00:00Z'))?.toISOString()).toBe('2026-03-30T08:00:00.000Z')
  })

  it('skips slots other posts hold', () => {
    const taken = [at('2026-11-30T09:00:00Z'), at('2026-11-30T17:30:00Z')]
    expect(nextFreeSlot(london, at('2026-11-30T08:00:00Z'), taken)?.toISOString()).toBe('2026-12-02T12:00:00.000Z')
  })

  it('works in the account’s own zone (New York is UTC-5 in December)', () => {
    const newYork: PostingSchedule = { timeZone: 'America/New_York', slots: [{ weekday: 2, time: '08:15' }] }
    expect(nextFreeSlot(newYork, at('2026-12-01T12:00:00Z'))?.toISOString()).toBe('2026-12-01T13:15:00.000Z')
    expect(nextFreeSlot(newYork, at('2026-12-01T13:16:00Z'))?.toISOString()).toBe('2026-12-08T13:15:00.000Z')
  })

  it('has nothing to offer a schedule without slots', () => {
    expect(nextFreeSlot({ timeZone: 'UTC', slots: [] }, at('2026-11-30T08:00:00Z'))).toBeUndefined()
  })

  it('names what is wrong with a schedule', () => {
    expect(scheduleProblem(london)).toBeUndefined()
    expect(scheduleProblem({ timeZone: 'Mars/Olympus', slots: [] })).toBe('"Mars/Olympus" is not a time zone (use a name such as Europe/London).')
    expect(scheduleProblem({ timeZone: 'UTC', slots: [{ weekday: 8, time: '09:00' }] })).toBe("A slot's weekday must be 1 (Monday) to 7 (Sunday), not 8.")
    expect(scheduleProblem({ timeZone: 'UTC', slots: [{ weekday: 1, time: '9am' }] })).toBe('A slot\'s time must be HH:MM (24-hour), not "9am".')
    expect(() => nextFreeSlot({ timeZone: 'Nowhere', slots: [] }, new Date())).toThrow(/not a time zone/)
  })
})
