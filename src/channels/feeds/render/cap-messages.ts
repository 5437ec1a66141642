import type { EventKind, Urgency } from '@/domain/events'

/**
 * CAP 1.2 keys a message on (sender, identifier, sent): a consumer that has seen a message ignores it
 * when it comes again. So every publication, correction and withdrawal of an urgent statement is a
 * message of its own, with an identifier and a time fixed when it happened (its outbox event's uid and
 * time), an Update or Cancel referencing the message before it.
 */
export type CapMsgType = 'Alert' | 'Update' | 'Cancel'

export type CapMessage = {
  identifier: string
  /** ISO time the message was sent: when its event was written. */
  sent: string
  msgType: CapMsgType
  /** The message this one updates or cancels. */
  references?: Pick<CapMessage, 'identifier' | 'sent'>
}

/** One outbox event of a statement, as CAP needs it. */
export type CapEvent = { uid: string; kind: EventKind; urgency: Urgency; at: string }

/** The statement itself: its feed guid and first publication stand for a publication that wrote no event. */
export type CapStatement = { guid: string; published: string; urgent: boolean }

/**
 * CAP's date-time: seconds and a numeric offset, with UTC written "-00:00" (CAP 1.2 §3.3.2: "+00:00"
 * is not UTC there, and "Z" is not allowed at all).
 */
export const capTime = (iso: string): string => `${new Date(iso).toISOString().slice(0, 19)}-00:00`

const live = (message: CapMessage | undefined) => (message && message.msgType !== 'Cancel' ? message : undefined)
const reference = (message: CapMessage) => ({ identifier: message.identifier, sent: message.sent })

/**
 * The messages of one statement, oldest first, from its events (oldest first). A publish or a correction
 * while urgent is an Alert, or an Update of the live message; a retraction, or a correction that makes
 * it standard, cancels the live message; an expiry says nothing (the message's own `expires` did).
 * `predecessor`: the live message of the statement this one updates, which its first message updates.
 * A statement published without an event (seeded, imported) starts from an Alert identified by its
 * feed guid and first publication.
 */
export function capThread(statement: CapStatement, events: CapEvent[], predecessor?: CapMessage): CapMessage[] {
  const messages: CapMessage[] = []
  const first = events[0]
  const liveBeforeEvents = first ? first.kind !== 'publish' && first.urgency === 'urgent' : statement.urgent
  if (liveBeforeEvents) messages.push({ identifier: statement.guid, sent: statement.published, msgType: 'Alert' })

  for (const event of events) {
    const current = live(messages.at(-1)) ?? (messages.length === 0 ? live(predecessor) : undefined)
    const own = { identifier: `urn:uuid:${event.uid}`, sent: event.at }
    const urgentAndLive = (event.kind === 'publish' || event.kind === 'update') && event.urgency === 'urgent'
    if (urgentAndLive) {
      messages.push(current ? { ...own, msgType: 'Update', references: reference(current) } : { ...own, msgType: 'Alert' })
    } else if ((event.kind === 'retract' || event.kind === 'update') && live(messages.at(-1))) {
      messages.push({ ...own, msgType: 'Cancel', references: reference(messages.at(-1)!) })
    }
  }
  return messages
}
