import type { PipelineEvent, Urgency } from '@/domain/events'

/**
 * A unit's key in the ledger, unique across events: the event's uid (never its row id, which starts
 * again after a reset or restore: the key is also the idempotency key a network sees), the channel,
 * and the unit's key within the event.
 */
export const unitKey = (event: Pick<PipelineEvent, 'uid'>, channel: string, key: string) => `${event.uid}-${channel}-${key}`

/**
 * A unit of delivery moves pending → sending → sent | failed | in_doubt. "sending" is entered only
 * from pending, failed or in_doubt (a resend), atomically, so two workers can never both send a unit;
 * a unit found still "sending" by a later attempt was interrupted mid-send and becomes in_doubt: it may
 * or may not have reached the provider. A unit that waits for its time (a social post at its slot) can
 * be cancelled instead, by staff or by the item's retraction: it will not be sent.
 */
export const DELIVERY_STATES = ['pending', 'sending', 'sent', 'failed', 'in_doubt', 'cancelled'] as const
export type DeliveryState = (typeof DELIVERY_STATES)[number]

export const SENDABLE_FROM: DeliveryState[] = ['pending', 'failed']

/** Units that can still be cancelled: not sent, not being sent, not in doubt. */
export const CANCELLABLE_FROM: DeliveryState[] = ['pending', 'failed']

export type InDoubtPolicy = 'resend' | 'hold'

/**
 * What happens, per urgency, to a unit interrupted mid-send, from its env form, e.g.
 * "urgent=resend,standard=hold" (the default: an urgent statement is better received twice than not at
 * all; a standard one waits for a person to decide).
 */
export function parseInDoubtPolicy(value: string): Record<Urgency, InDoubtPolicy> {
  const policy: Record<Urgency, InDoubtPolicy> = { urgent: 'resend', standard: 'hold' }
  for (const part of value.split(',').map((entry) => entry.trim()).filter(Boolean)) {
    const [urgency, action] = part.split('=').map((entry) => entry.trim())
    if ((urgency !== 'urgent' && urgency !== 'standard') || (action !== 'resend' && action !== 'hold')) {
      throw new Error(`"${part}" is not urgency=action (urgency: urgent|standard, action: resend|hold)`)
    }
    policy[urgency] = action
  }
  return policy
}

/** A unit's ledger row, as delivery reads it. */
export type LedgerRow = {
  id: number | string
  unitKey: string
  state: DeliveryState
  urgency: Urgency
  attempts: number
  /** When the last attempt started sending (ISO). */
  sendingAt?: string | null
  /** What the provider answered last (a message id, a post's address). */
  detail?: string | null
}

/** What a state change records with it. */
export type LedgerPatch = {
  lastError?: string | null
  detail?: string | null
  countAttempt?: boolean
  sendingAt?: Date
  sentAt?: Date
  interruptedAt?: Date
  resolvedBy?: number | string | null
}

/** A unit as the ledger records it the first time it is planned. */
export type UnitSpec = { event: number | string; collection: PipelineEvent['collection']; itemId: string; channel: string; unitKey: string; urgency: Urgency; size?: number }

/**
 * Where the ledger is kept (the database, src/lib/ledger-store.ts). Delivery moves a row only through
 * `compareAndSet`: to `to` if, and only if, it is in one of `from`, atomically, saying whether it did,
 * so two workers racing for one unit cannot both win.
 */
export interface Ledger {
  compareAndSet(id: number | string, from: DeliveryState[], to: DeliveryState, patch?: LedgerPatch): Promise<boolean>
  /** The rows of `units` by unit key, the missing ones created `pending`; safe to race. */
  ensure(units: UnitSpec[]): Promise<Map<string, LedgerRow>>
}
