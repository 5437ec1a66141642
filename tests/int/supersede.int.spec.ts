/**
 * Statements that update or cancel earlier ones: the pages point from the old to the new and back,
 * the feeds carry the relation in all three formats, and a cancellation withdraws the statement it
 * cancels on every channel, in the same transaction as its own publication.
 */
import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { Announcement } from '@/payload-types'

import { authHeaders, body, createUser } from '../helpers/content'
import { getFeed, waitForItemDelivered } from '../helpers/feeds'
import { startTestPipeline, type TestPipeline } from '../helpers/pipeline'
import { rest } from '../helpers/rest'

const SITE = 'https://news.example.org'
let ctx: TestPipeline
let payload: Payload

beforeAll(async () => {
  ctx = await startTestPipeline({ DELIVERY_CHANNELS: 'log,feeds', PUBLIC_URL: SITE })
  payload = ctx.payload
})
afterAll(async () => {
  await ctx?.stop()
})

async function publish(title: string, data: Partial<Announcement> = {}): Promise<Announcement> {
  const item = await payload.create({ collection: 'announcements', data: { title, summary: 'The situation, in one line.', body, urgency: 'urgent', _status: 'published', ...data } })
  await waitForItemDelivered(payload, 'announcements', item.id)
  return item
}

const page = async (slug: string) => {
  const response = await (await import('@/app/(site)/announcements/[slug]/route')).GET(new Request(`${SITE}/announcements/${slug}`), { params: Promise.resolve({ slug }) })
  return { status: response.status, html: await response.text() }
}

const link = (slug: string) => `${SITE}/announcements/${slug}`

describe('an update', () => {
  it('leaves the earlier statement up, each page pointing to the other, and the feeds carry the relation', async () => {
    const earlier = await publish('Referral system under strain')
    const update = await publish('Referral system near breaking point', { supersedes: earlier.id, supersession: 'update' })

    const old = await page(earlier.slug!)
    expect(old.status).toBe(200)
    expect(old.html).toContain(`This statement has been updated: <a href="/announcements/${update.slug}">Referral system near breaking point</a>`)
    expect((await page(update.slug!)).html).toContain(`This statement updates <a href="/announcements/${earlier.slug}">Referral system under strain</a>`)

    const atom = (await getFeed('/feed.atom')).text
    expect(atom).toContain(`<link rel="predecessor-version" type="text/html" href="${link(earlier.slug!)}" title="Updates this statement"></link>`)
    const rss = (await getFeed('/feed.xml')).text
    expect(rss).toContain(`<atom:link rel="predecessor-version" type="text/html" href="${link(earlier.slug!)}" title="Updates this statement"/>`)
    const json = JSON.parse((await getFeed('/feed.json')).text) as { items: { url: string; _supersedes?: unknown }[] }
    expect(json.items.find((item) => item.url === link(update.slug!))?._supersedes).toEqual({ kind: 'update', url: link(earlier.slug!) })
    expect(json.items.find((item) => item.url === link(earlier.slug!))?._supersedes).toBeUndefined()
  })

  it('cannot point at itself', async () => {
    const item = await publish('Standing statement')
    const editor = await authHeaders(payload, await createUser(payload, 'editor'))
    const response = await rest('PATCH', `/api/announcements/${item.id}`, { json: { supersedes: item.id }, headers: editor })
    expect(response.status).toBe(400)
    expect(response.text).toContain('cannot update or cancel itself')
  })
})

describe('a cancellation', () => {
  it('withdraws the statement it cancels on every channel when it is published, in the same transaction', async () => {
    const alert = await publish('Emergency distribution point open at the town hall')
    const cancellation = await publish('Cancelled: the town hall distribution point is closed', { supersedes: alert.id, supersession: 'cancel' })

    const old = await page(alert.slug!)
    expect(old.status).toBe(410)
    expect(old.html).toContain(`This statement was cancelled by <a href="/announcements/${cancellation.slug}">Cancelled: the town hall distribution point is closed</a>`)
    expect((await payload.findByID({ collection: 'announcements', id: alert.id, depth: 0 }))._status).toBe('draft')

    // The retraction is an outbox event of its own, written with the cancellation's publish.
    const { docs: events } = await payload.find({ collection: 'outbox-events', where: { itemId: { in: [String(alert.id), String(cancellation.id)] } }, depth: 0, sort: 'id' })
    const retract = events.find((event) => event.itemId === String(alert.id) && event.kind === 'retract')!
    const publishEvent = events.find((event) => event.itemId === String(cancellation.id) && event.kind === 'publish')!
    expect(Math.abs(Date.parse(retract.createdAt) - Date.parse(publishEvent.createdAt))).toBeLessThan(1_000)
    await waitForItemDelivered(payload, 'announcements', alert.id, 2)

    const rss = (await getFeed('/feed.xml')).text
    expect(rss).not.toContain(`<link>${link(alert.slug!)}</link>`)
    expect(rss).toContain(`title="Cancels this statement"`)
  })
})
