import { describe, expect, it } from 'vitest'

import { type CapEvent, capThread, capTime } from '../../src/channels/feeds/render/cap-messages'

const statement = { guid: 'urn:uuid:00000000-0000-4000-8000-00000000000a', published: '2026-11-29T08:00:00.000Z', urgent: true }
let minute = 0
const event = (kind: CapEvent['kind'], urgency: CapEvent['urgency'] = 'urgent'): CapEvent => ({ uid: `0000000${++minute}-0000-4000-8000-000000000000`, kind, urgency, at: `2026-11-29T09:${String(minute).padStart(2, '0')}:00.000Z` })
const shape = (messages: ReturnType<typeof capThread>) => messages.map((message) => [message.msgType, message.identifier, message.references?.identifier])

describe('the CAP messages of one statement', () => {
  it('writes UTC as -00:00, to the second', () => {
    expect(capTime('2026-11-29T23:18:06.789Z')).toBe('2026-11-29T23:18:06-00:00')
    expect(capTime('2026-11-30T01:18:06+02:00')).toBe('2026-11-29T23:18:06-00:00')
  })

  it('starts a statement published without an event (the demo seed, an import) from an Alert named by its feed guid', () => {
    expect(shape(capThread(statement, []))).toEqual([['Alert', statement.guid, undefined]])
    expect(capThread({ ...statement, urgent: false }, [])).toEqual([])
    const correction = event('update')
    expect(shape(capThread(statement, [correction]))).toEqual([
      ['Alert', statement.guid, undefined],
      ['Update', `urn:uuid:${correction.uid}`, statement.guid],
    ])
  })

  it('cancels on retraction and on a correction to standard, alerts again on a republish, and says nothing on expiry', () => {
    const events = [event('publish'), event('expire'), event('retract'), event('publish'), event('update', 'standard'), event('update', 'standard'), event('update')]
    const id = (index: number) => `urn:uuid:${events[index]!.uid}`
    expect(shape(capThread(statement, events))).toEqual([
      ['Alert', id(0), undefined],
      ['Cancel', id(2), id(0)],
      ['Alert', id(3), undefined],
      ['Cancel', id(4), id(3)],
      ['Alert', id(6), undefined],
    ])
  })

  it('makes a statement that updates another an Update of that one’s live message, and never references a cancelled one', () => {
    const predecessor = { identifier: 'urn:uuid:earlier', sent: '2026-11-29T07:00:00.000Z', msgType: 'Alert' as const }
    const publish = event('publish')
    expect(shape(capThread(statement, [publish], predecessor))).toEqual([['Update', `urn:uuid:${publish.uid}`, 'urn:uuid:earlier']])
    expect(shape(capThread(statement, [publish], { ...predecessor, msgType: 'Cancel' }))).toEqual([['Alert', `urn:uuid:${publish.uid}`, undefined]])
  })
})
