import { z } from 'zod'

const eventId = z.union([z.number().int().positive(), z.string().min(1)])
const eventUid = z.uuid()

/** The parent job of an event's flow: runs once every channel has finished with the event. */
// collection and itemId are for logs only; jobs queued before they were added lack them.
const item = { collection: z.string().optional(), itemId: z.string().optional() }
export const fanoutJobSchema = z.object({ eventId, eventUid, generation: z.number().int().min(0), ...item })
export type FanoutJob = z.infer<typeof fanoutJobSchema>

/** One channel's share of an event. */
export const channelJobSchema = z.object({ eventId, eventUid, generation: z.number().int().min(0), channel: z.string().min(1), ...item })
export type ChannelJob = z.infer<typeof channelJobSchema>
