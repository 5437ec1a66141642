/** The publish outbox: which saves write an event, exactly one, in the same transaction as the change. */
import { createLocalReq, initTransaction, killTransaction, type Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { authHeaders, body, createItem, createUser } from '../helpers/content'
import { startTestPayload, type TestPayload } from '../helpers/payload'
import { rest } from '../helpers/rest'

let ctx: TestPayload
let payload: Payload

beforeAll(async () => {
  ctx = await startTestPayload()
  payload = ctx.payload
})
afterAll(async () => {
  await ctx?.stop()
})

const eventsFor = async (itemId: number, collection: 'announcements' | 'reports' = 'announcements') =>
  (
    await payload.find({
      collection: 'outbox-events',
      where: { itemId: { equals: String(itemId) }, collection: { equals: collection } },
      sort: 'id',
      pagination: false,
    })
  ).docs

describe('outbox events', () => {
  it('publish, update, retract and publish again each write one event; drafts write none', async () => {
    const item = await createItem(payload, 'announcements')
    await payload.update({ collection: 'announcements', id: item.id, draft: true, data: { summary: 'Still a draft' } })
    expect(await eventsFor(item.id)).toEqual([])

    await payload.update({ collection: 'announcements', id: item.id, data: { _status: 'published' } })
    await payload.update({ collection: 'announcements', id: item.id, draft: true, data: { summary: 'A pending correction' } })
    await payload.update({ collection: 'announcements', id: item.id, data: { summary: 'Corrected', _status: 'published' } })
    await payload.update({ collection: 'announcements', id: item.id, data: { _status: 'draft' } })
    await payload.update({ collection: 'announcements', id: item.id, data: { _status: 'published' } })

    const events = await eventsFor(item.id)
    expect(events.map((event) => event.kind)).toEqual(['publish', 'update', 'retract', 'publish'])
    expect(new Set(events.map((event) => event.versionId)).size).toBe(4)
    expect(events.every((event) => !event.dispatchedAt && event.collection === 'announcements')).toBe(true)
  })

  it('records the urgency for the urgent lane, and publishes created-as-published items', async () => {
    const editor = await createUser(payload, 'editor')
    const item = await payload.create({
      collection: 'announcements',
      user: editor,
      overrideAccess: false,
      data: { title: 'Urgent now', summary: 'S', body, urgency: 'urgent', _status: 'published' },
    })
    const [event] = await eventsFor(item.id)
    expect(event).toMatchObject({ kind: 'publish', urgency: 'urgent', title: 'Urgent now' })
  })

  it('works for reports too, as standard', async () => {
    const report = await createItem(payload, 'reports', { status: 'published' })
    expect((await eventsFor(report.id, 'reports')).map((event) => [event.kind, event.urgency])).toEqual([['publish', 'standard']])
  })

  it('is skipped for seeds and imports that set context.skipFanout', async () => {
    const item = await createItem(payload, 'announcements')
    await payload.update({ collection: 'announcements', id: item.id, context: { skipFanout: true }, data: { _status: 'published' } })
    expect(await eventsFor(item.id)).toEqual([])
  })

  it('is written when an editor publishes through the API, as the admin does', async () => {
    const headers = await authHeaders(payload, await createUser(payload, 'editor', 'rest-editor@example.org'))
    const item = await createItem(payload, 'announcements')
    const response = await rest('PATCH', `/api/announcements/${item.id}`, { headers, json: { _status: 'published' } })
    expect(response.status).toBe(200)
    expect((await eventsFor(item.id)).map((event) => event.kind)).toEqual(['publish'])
  })

  it('rolls back with a publish that fails', async () => {
    const item = await createItem(payload, 'announcements')
    const req = await createLocalReq({}, payload)
    await initTransaction(req)
    await payload.update({ collection: 'announcements', id: item.id, req, data: { _status: 'published' } })
    await killTransaction(req)
    expect(await eventsFor(item.id)).toEqual([])
    expect((await payload.findByID({ collection: 'announcements', id: item.id }))._status).toBe('draft')
  })

  it('commits with a publish that succeeds, atomically with it', async () => {
    const item = await createItem(payload, 'announcements')
    await Promise.all(Array.from({ length: 10 }, (_, i) => payload.update({ collection: 'announcements', id: item.id, data: { summary: `v${i}`, _status: 'published' } })))
    const events = await eventsFor(item.id)
    expect(events[0]?.kind).toBe('publish')
    expect(events.slice(1).every((event) => event.kind === 'update')).toBe(true)
    expect(events).toHaveLength(10)
  })
})
