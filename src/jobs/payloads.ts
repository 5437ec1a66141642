import { z } from 'zod'

const eventId = z.union([z.number().int().positive(), z.string().min(1)])

/** The parent job of an event's flow: runs once every channel has finished with the event. */
export const fanoutJobSchema = z.object({ eventId, generation: z.number().int().min(0) })
export type FanoutJob = z.infer<typeof fanoutJobSchema>

/** One channel's share of an event. */
export const channelJobSchema = z.object({ eventId, generation: z.number().int().min(0), channel: z.string().min(1) })
export type ChannelJob = z.infer<typeof channelJobSchema>
