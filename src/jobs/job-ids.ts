/**
 * Job ids derived from the outbox event, so adding the same event twice adds nothing. BullMQ forbids
 * ":" and all-digit ids; these have neither. `generation` rises when staff redeliver part of an event,
 * so the queues take it once more.
 */
export const fanoutJobId = (eventId: number | string, generation: number) => `event-${eventId}-g${generation}`

export const channelJobId = (eventId: number | string, generation: number, channel: string) =>
  `${fanoutJobId(eventId, generation)}-${channel}`
