/**
 * Job ids derived from the outbox event's uid (minted with the row), so adding the same event twice
 * adds nothing, and a database whose row ids start again (a reset, a restore) can never meet a job of
 * an earlier event under the same id. BullMQ forbids ":" and all-digit ids; these have neither.
 * `generation` rises when staff redeliver part of an event, so the queues take it once more.
 */
export const fanoutJobId = (eventUid: string, generation: number) => `event-${eventUid}-g${generation}`

export const channelJobId = (eventUid: string, generation: number, channel: string) => `${fanoutJobId(eventUid, generation)}-${channel}`
