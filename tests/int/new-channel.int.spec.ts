/**
 * A new channel is a folder and one line in the registry: this one exists only here. Registered
 * beside the real ones, it gets its job in every event's flow, its units in the ledger, and its
 * deliveries, with nothing else changed: publish → outbox → relay → its queue → ledger → sent.
 */
import type { Payload } from 'payload'
import { afterAll, beforeAll, expect, it } from 'vitest'

import { CHANNELS } from '../../src/channels'
import type { DeliveryReceipt, PlannedUnit } from '../../src/delivery/ports'
import type { PipelineEvent } from '../../src/domain/events'
import type { ChannelRegistration } from '../../src/jobs/channel-registration'
import { body } from '../helpers/content'
import { waitFor } from '../helpers/log-file'
import { startTestPipeline, type TestPipeline } from '../helpers/pipeline'

/** A channel that files every statement in a list, one unit per event ("filed"), as a press archive might. */
const filed: { eventUid: string; kind: string; title: string }[] = []
const archive: ChannelRegistration = {
  name: 'archive',
  start: () => ({
    port: {
      name: 'archive',
      handles: () => true,
      plan: async () => [{ key: 'filed', data: undefined }],
      deliver: async (_unit: PlannedUnit, event: PipelineEvent, item): Promise<DeliveryReceipt> => {
        filed.push({ eventUid: event.uid, kind: event.kind, title: item.title })
        return { detail: `filed as number ${filed.length}` }
      },
    },
  }),
}

let ctx: TestPipeline
let payload: Payload
beforeAll(async () => {
  ctx = await startTestPipeline({ DELIVERY_CHANNELS: 'log,archive' }, [...CHANNELS, archive])
  payload = ctx.payload
})
afterAll(async () => {
  await ctx?.stop()
})

it('goes through the whole spine once registered: publish, relay, its queue, the ledger, sent', async () => {
  const item = await payload.create({ collection: 'announcements', data: { title: 'Filed in the archive', summary: 's', body, urgency: 'urgent', _status: 'published' } })
  const { docs } = await payload.find({ collection: 'outbox-events', where: { itemId: { equals: String(item.id) } }, depth: 0 })
  const event = docs[0]!
  await waitFor(async () => (await payload.findByID({ collection: 'outbox-events', id: event.id })).completedAt, 20_000, 'the event to complete')

  const units = await payload.find({ collection: 'deliveries', where: { event: { equals: event.id } }, depth: 0, pagination: false, sort: 'channel' })
  expect(units.docs.map((unit) => [unit.channel, unit.unitKey, unit.state, unit.detail])).toEqual([
    ['archive', `${event.uid}-archive-filed`, 'sent', 'filed as number 1'],
    ['log', `${event.uid}-log-line`, 'sent', expect.any(String)],
  ])
  expect(filed).toEqual([{ eventUid: event.uid, kind: 'publish', title: 'Filed in the archive' }])
})
