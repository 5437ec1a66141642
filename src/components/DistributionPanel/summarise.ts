import type { Delivery } from '@/payload-types'

export type ChannelSummary = {
  channel: string
  /** Things carried by units in each state, e.g. emails: sent 4,000 of 12,000. */
  sent: number
  total: number
  byState: Partial<Record<Delivery['state'], number>>
  /** Units staff can act on. */
  actionable: Delivery[]
}

export type EventSummary = { eventId: number; channels: ChannelSummary[]; active: boolean }

const eventIdOf = (delivery: Delivery) => Number(typeof delivery.event === 'object' ? delivery.event.id : delivery.event)

/** The ledger rows of one item, grouped by event (newest first) and channel, with progress by size. */
export function summarise(deliveries: Delivery[]): EventSummary[] {
  const events = new Map<number, Map<string, ChannelSummary>>()
  for (const delivery of deliveries) {
    const eventId = eventIdOf(delivery)
    const channels = events.get(eventId) ?? new Map<string, ChannelSummary>()
    events.set(eventId, channels)
    const summary = channels.get(delivery.channel) ?? { channel: delivery.channel, sent: 0, total: 0, byState: {}, actionable: [] }
    channels.set(delivery.channel, summary)
    const size = delivery.size ?? 1
    // A cancelled unit will never go out: it is counted by state, not as progress still to come.
    if (delivery.state !== 'cancelled') summary.total += size
    if (delivery.state === 'sent') summary.sent += size
    summary.byState[delivery.state] = (summary.byState[delivery.state] ?? 0) + 1
    if (delivery.state === 'failed' || delivery.state === 'in_doubt') summary.actionable.push(delivery)
  }
  return [...events.entries()]
    .sort(([a], [b]) => b - a)
    .map(([eventId, channels]) => {
      const list = [...channels.values()].sort((a, b) => a.channel.localeCompare(b.channel))
      return { eventId, channels: list, active: list.some((c) => (c.byState.pending ?? 0) + (c.byState.sending ?? 0) > 0) }
    })
}
