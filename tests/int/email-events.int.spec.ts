/** SendGrid's Event Webhook: signed batches of events change subscribers and are kept once. */
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto'

import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { authHeaders, body as richBody, createUser } from '../helpers/content'
import { startTestPayload, type TestPayload } from '../helpers/payload'
import { rest } from '../helpers/rest'

// SendGrid signs with ECDSA P-256; the dashboard shows the public key as base64 DER (SPKI).
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
const PUBLIC_KEY = publicKey.export({ type: 'spki', format: 'der' }).toString('base64')

let ctx: TestPayload
let payload: Payload

beforeAll(async () => {
  ctx = await startTestPayload({ SENDGRID_WEBHOOK_PUBLIC_KEY: PUBLIC_KEY, LOG_LEVEL: 'error' })
  payload = ctx.payload
})
afterAll(async () => {
  await ctx?.stop()
})

/** A webhook request as SendGrid sends it: the signature covers the timestamp and the exact body. */
const post = (body: string, options: { timestamp?: number; signWith?: string; signature?: string } = {}) => {
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000))
  const signature = options.signature ?? sign('sha256', Buffer.from(timestamp + (options.signWith ?? body)), privateKey).toString('base64')
  return rest('POST', '/api/email-events/sendgrid', {
    body,
    headers: { 'content-type': 'application/json', 'X-Twilio-Email-Event-Webhook-Signature': signature, 'X-Twilio-Email-Event-Webhook-Timestamp': timestamp },
  })
}

let n = 0
const confirmed = (email = `events-${++n}@example.net`) => payload.create({ collection: 'subscribers', data: { email, status: 'confirmed' } })
const event = (type: string, subscriber: { id: number; email: string }, extra: object = {}) => ({
  email: subscriber.email,
  event: type,
  timestamp: Math.floor(Date.now() / 1000),
  sg_event_id: `sg-${type}-${subscriber.id}-${++n}`,
  subscriber: String(subscriber.id),
  ...extra,
})
const eventRows = async () => (await payload.count({ collection: 'email-events' })).totalDocs

describe('the SendGrid event webhook', () => {
  it('suppresses an address on a signed bounce, spam report or unsubscribe, and counts the rest', async () => {
    const [bounced, complained, left, reader] = await Promise.all([confirmed(), confirmed(), confirmed(), confirmed()])
    const body = JSON.stringify([
      event('bounce', bounced, { reason: '550 5.1.1 user unknown' }),
      event('spamreport', complained),
      event('unsubscribe', left),
      event('delivered', reader),
      event('open', reader),
      event('click', reader, { url: 'https://example.org' }),
      { event: 'something_new', email: reader.email },
    ])
    const response = await post(body)
    expect(response.status).toBe(200)
    expect(response.json).toEqual({ stored: 6, repeat: 0, ignored: 1 })
    const status = async (id: number) => (await payload.findByID({ collection: 'subscribers', id })).status
    expect(await status(bounced.id)).toBe('bounced')
    expect(await status(complained.id)).toBe('complained')
    expect(await status(left.id)).toBe('unsubscribed')
    expect(await status(reader.id)).toBe('confirmed')
    const rows = await payload.find({ collection: 'email-events', where: { subscriber: { equals: reader.id } }, depth: 0 })
    expect(rows.docs.map((row) => row.type).sort()).toEqual(['click', 'delivered', 'open'])
    const bounce = (await payload.find({ collection: 'email-events', where: { subscriber: { equals: bounced.id } }, depth: 0 })).docs[0]
    expect(bounce?.reason).toBe('550 5.1.1 user unknown')

    // SendGrid retries a batch it thinks failed: nothing is counted twice.
    const again = await post(body)
    expect(again.json).toEqual({ stored: 0, repeat: 6, ignored: 1 })
  })

  it('refuses a tampered body, a stale or missing signature, or another key, with 401, changing nothing', async () => {
    const subscriber = await confirmed()
    const body = JSON.stringify([event('bounce', subscriber)])
    const before = await eventRows()
    const tampered = body.replace('bounce', 'spamreport')
    const attempts = [
      post(tampered, { signWith: body }),
      post(body, { timestamp: Math.floor(Date.now() / 1000) - 3600 }),
      post(body, { signature: '' }),
      post(body, { signature: 'bm90IGEgc2lnbmF0dXJl' }),
      post(body, { signature: sign('sha256', Buffer.from(`${Math.floor(Date.now() / 1000)}${body}`), generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey).toString('base64') }),
    ]
    for (const response of await Promise.all(attempts)) {
      expect(response.status).toBe(401)
      expect(response.json?.message).toBe('The signature is missing, invalid or too old.')
    }
    expect(await eventRows()).toBe(before)
    expect((await payload.findByID({ collection: 'subscribers', id: subscriber.id })).status).toBe('confirmed')
  })

  it('answers a signed body that is not a list of events with 400', async () => {
    expect((await post('{"event": "bounce"}')).status).toBe(400)
    expect((await post('not json')).status).toBe(400)
  })

  it('counts each campaign’s deliveries, opens and clicks (in total and per person) for editors on the item', async () => {
    const item = await payload.create({ collection: 'announcements', context: { skipFanout: true }, data: { title: 'Counted', summary: 's', body: richBody, urgency: 'standard', _status: 'published' } })
    const outboxEvent = await payload.create({
      collection: 'outbox-events',
      data: { uid: randomUUID(), kind: 'publish', collection: 'announcements', itemId: String(item.id), versionId: `v-${item.id}`, urgency: 'standard', dedupeKey: `counted-${item.id}`, generation: 0 },
    })
    const campaign = await payload.create({
      collection: 'campaigns',
      data: { event: outboxEvent.id, collection: 'announcements', itemId: String(item.id), subject: 'Counted', kind: 'alert', urgency: 'standard', snapshotAt: new Date().toISOString(), recipients: 3, batches: [] },
    })
    const [ann, bob, cat] = await Promise.all([confirmed(), confirmed(), confirmed()])
    const of = { campaign: String(campaign.id) }
    const response = await post(
      JSON.stringify([
        ...[ann, bob, cat].map((person) => event('delivered', person, of)),
        event('open', ann, of),
        event('open', ann, of),
        event('open', bob, of),
        event('click', ann, of),
        event('bounce', cat, { ...of, reason: 'mailbox full' }),
      ]),
    )
    expect(response.json).toEqual({ stored: 8, repeat: 0, ignored: 0 })

    const editor = await authHeaders(payload, await createUser(payload, 'editor', 'stats-editor@example.org'))
    const author = await authHeaders(payload, await createUser(payload, 'author', 'stats-author@example.org'))
    const path = `/api/campaigns/for-item?collection=announcements&itemId=${item.id}`
    expect((await rest('GET', path)).status).toBe(401)
    expect((await rest('GET', path, { headers: author })).status).toBe(403)
    expect((await rest('GET', '/api/campaigns/for-item?collection=users&itemId=1', { headers: editor })).status).toBe(400)
    const stats = await rest('GET', path, { headers: editor })
    expect(stats.status).toBe(200)
    expect(stats.json).toEqual({
      campaigns: [
        {
          id: campaign.id,
          kind: 'alert',
          subject: 'Counted',
          recipients: 3,
          createdAt: campaign.createdAt,
          counts: { delivered: { events: 3, people: 3 }, open: { events: 3, people: 2 }, click: { events: 1, people: 1 }, bounce: { events: 1, people: 1 } },
        },
      ],
    })
  })
})
