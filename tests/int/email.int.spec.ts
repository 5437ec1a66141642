/** The email channel end to end: publish → campaign → batches → SendGrid's API (the local sink) → unsubscribe. */
import { sql } from '@payloadcms/db-postgres'
import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { Announcement, Topic } from '@/payload-types'

import { startMailSink, type MailSink, type SinkMessage } from '../../dev/mail-sink/sendgrid-sink'
import { authHeaders, body, createUser } from '../helpers/content'
import { waitForItemDelivered } from '../helpers/feeds'
import { waitFor } from '../helpers/log-file'
import { rest } from '../helpers/rest'
import { startTestPipeline, type TestPipeline } from '../helpers/pipeline'
import { keyWithinEvent } from '../helpers/unit-keys'

const SITE = 'https://news.example.org'
const API_KEY = 'SG.test-key'

let ctx: TestPipeline
let payload: Payload
let sink: MailSink
let housing: Topic
let food: Topic

beforeAll(async () => {
  sink = await startMailSink({ apiKey: API_KEY })
  ctx = await startTestPipeline({ DELIVERY_CHANNELS: 'email', SENDGRID_API_KEY: API_KEY, SENDGRID_BASE_URL: sink.url, PUBLIC_URL: SITE, EMAIL_BATCH_SIZE: '1000' })
  payload = ctx.payload
  await payload.updateGlobal({
    slug: 'site',
    data: { organisationName: 'Northfield Food Network', senderName: 'Northfield alerts', senderEmail: 'alerts@example.org', postalAddress: '1 High Street\nNorthfield NF1 1AA' },
  })
  housing = await payload.create({ collection: 'topics', data: { name: 'Housing' } })
  food = await payload.create({ collection: 'topics', data: { name: 'Food' } })
})
afterAll(async () => {
  await ctx?.stop()
  await sink?.close()
})

type Execute = { execute: (query: unknown) => Promise<{ rows: { id: number }[] }> }

/** Confirmed subscribers in one statement (creating thousands through the API would take minutes). */
async function insertSubscribers(prefix: string, count: number, options: { topic?: Topic; urgentOnly?: boolean; status?: string } = {}) {
  const db = (payload.db as unknown as { drizzle: Execute }).drizzle
  const { rows } = await db.execute(
    sql`insert into subscribers (email, status, urgent_only, confirmed_at, updated_at, created_at)
        select ${prefix} || '-' || n || '@example.net', ${options.status ?? 'confirmed'}, ${options.urgentOnly ?? false}, now(), now(), now()
        from generate_series(1, ${count}::int) as n returning id`,
  )
  if (options.topic) {
    await db.execute(sql`insert into subscribers_rels ("order", parent_id, path, topics_id) select 1, id, 'topics', ${options.topic.id} from subscribers where email like ${`${prefix}-%`}`)
  }
  return rows.map((row) => row.id)
}

let counter = 0
async function publish(data: Partial<Announcement> = {}): Promise<Announcement> {
  const item = await payload.create({
    collection: 'announcements',
    data: { title: `Alert ${++counter}`, summary: 'What is happening, in one line.', body, urgency: 'standard', _status: 'published', ...data },
  })
  await waitForItemDelivered(payload, 'announcements', item.id)
  return item
}

const received = (subject: string): SinkMessage[] => sink.messages.filter((message) => message.subject === subject)
const recipientsOf = (subject: string, prefix: string) =>
  received(subject)
    .map((message) => message.to)
    .filter((to) => to.startsWith(`${prefix}-`))
    .sort()

const unsubscribeRoute = () => import('@/app/(site)/unsubscribe/route')
const preferencesRoute = () => import('@/app/(site)/preferences/route')
const preferencesLink = (message: SinkMessage) => /Change what you receive: (\S+)/.exec(message.text ?? '')?.[1]

describe('an alert to 2,500 matching subscribers', () => {
  let item: Announcement
  let messages: SinkMessage[]

  beforeAll(async () => {
    await insertSubscribers('many', 2500)
    item = await publish({ title: 'Referral system near breaking point' })
    messages = received('Referral system near breaking point')
  })

  it('goes out in three batches, each a ledger unit, to every subscriber exactly once', async () => {
    const units = await payload.find({ collection: 'deliveries', where: { itemId: { equals: String(item.id) }, channel: { equals: 'email' } }, sort: 'unitKey', depth: 0, pagination: false })
    expect(units.docs.map((unit) => [keyWithinEvent(unit.unitKey, 'email'), unit.state, unit.size])).toEqual([
      ['batch-00000', 'sent', 1000],
      ['batch-00001', 'sent', 1000],
      ['batch-00002', 'sent', 500],
    ])
    const many = messages.filter((message) => message.to.startsWith('many-'))
    expect(many).toHaveLength(2500)
    expect(new Set(many.map((message) => message.to)).size).toBe(2500)
    const campaign = (await payload.find({ collection: 'campaigns', where: { itemId: { equals: String(item.id) } }, depth: 0 })).docs[0]!
    expect(campaign.recipients).toBe(messages.length)
    expect(new Set(many.map((message) => message.customArgs.batch))).toEqual(new Set(['batch-00000', 'batch-00001', 'batch-00002']))
    expect(many.every((message) => message.customArgs.campaign === String(campaign.id) && /^\d+$/.test(message.customArgs.subscriber ?? ''))).toBe(true)
  })

  it('carries each person their own one-click unsubscribe link, in the headers and the body', () => {
    for (const message of messages) {
      const link = /^<(https:\/\/news\.example\.org\/unsubscribe\?token=[\w.-]+)>$/.exec(message.headers['List-Unsubscribe'] ?? '')?.[1]
      expect(link, message.to).toBeDefined()
      expect(message.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click')
      expect(message.html).toContain(`href="${link}"`)
      expect(message.text).toContain(`Unsubscribe: ${link}`)
      expect(message.from).toBe('alerts@example.org')
    }
    const links = messages.map((message) => message.headers['List-Unsubscribe'])
    expect(new Set(links).size).toBe(messages.length)
    const [first] = messages
    expect(first!.html).toContain('1 High Street<br>Northfield NF1 1AA')
    expect(first!.html).toContain(`href="${SITE}/announcements/${item.slug}"`)
    expect(first!.text).toContain('What is happening, in one line.')
  })

  it('lets a person leave with one POST (RFC 8058), and they get nothing after', async () => {
    const message = messages.find((candidate) => candidate.to === 'many-7@example.net')!
    const link = /^<(.+)>$/.exec(message.headers['List-Unsubscribe']!)![1]!
    const { GET, POST } = await unsubscribeRoute()

    const page = await GET(new Request(link))
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('<button type="submit">Unsubscribe</button>')
    const subscriberId = message.customArgs.subscriber!
    expect((await payload.findByID({ collection: 'subscribers', id: subscriberId })).status).toBe('confirmed') // a GET changes nothing

    const oneClick = await POST(new Request(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' }))
    expect(oneClick.status).toBe(200)
    expect(await oneClick.text()).toContain('You are unsubscribed')
    expect((await payload.findByID({ collection: 'subscribers', id: subscriberId })).status).toBe('unsubscribed')
    expect((await POST(new Request(link, { method: 'POST' }))).status).toBe(200) // twice is fine

    await publish({ title: 'The next alert' })
    expect(recipientsOf('The next alert', 'many')).toHaveLength(2499)
    expect(recipientsOf('The next alert', 'many')).not.toContain('many-7@example.net')
  })

  it('carries a preferences link that shows the person their choices and saves new ones', async () => {
    const message = messages.find((candidate) => candidate.to === 'many-9@example.net')!
    const link = preferencesLink(message)!
    expect(link).toMatch(/^https:\/\/news\.example\.org\/preferences\?token=/)
    expect(message.html).toContain(`href="${link}"`)
    const { GET, POST } = await preferencesRoute()
    const form = await GET(new Request(link))
    expect(form.status).toBe(200)
    const html = await form.text()
    expect(html).toContain('value="housing"')
    expect(html).toContain('name="urgentOnly"')
    expect(html).toContain('<form method="post" action="/unsubscribe?token=')

    const saved = await POST(new Request(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'topics=housing&topics=no-such-topic&urgentOnly=on' }))
    expect(saved.status).toBe(200)
    expect(await saved.text()).toContain('Saved.')
    const subscriber = await payload.findByID({ collection: 'subscribers', id: message.customArgs.subscriber!, depth: 0 })
    expect(subscriber.topics).toEqual([housing.id])
    expect(subscriber.urgentOnly).toBe(true)
    // Put them back as the later tests expect: every topic, every urgency.
    await POST(new Request(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' }))
    expect((await payload.findByID({ collection: 'subscribers', id: message.customArgs.subscriber!, depth: 0 })).urgentOnly).toBe(false)

    // The unsubscribe token of the same person does not open their preferences: tokens are bound to a purpose.
    const unsubscribeToken = new URL(/^<(.+)>$/.exec(message.headers['List-Unsubscribe']!)![1]!).searchParams.get('token')!
    expect((await GET(new Request(`${SITE}/preferences?token=${unsubscribeToken}`))).status).toBe(400)
  })

  it('refuses an altered or borrowed token with a clear page, changing nothing', async () => {
    const message = messages.find((candidate) => candidate.to === 'many-8@example.net')!
    const link = new URL(/^<(.+)>$/.exec(message.headers['List-Unsubscribe']!)![1]!)
    const token = link.searchParams.get('token')!
    const [id, expires, signature] = token.split('.')
    const { POST } = await unsubscribeRoute()
    for (const forged of [`${Number(id) + 1}.${expires}.${signature}`, `${id}.${expires}.${signature!.slice(0, -1)}A`, 'nonsense', '']) {
      const response = await POST(new Request(`${SITE}/unsubscribe?token=${encodeURIComponent(forged)}`, { method: 'POST', body: 'List-Unsubscribe=One-Click' }))
      expect(response.status).toBe(400)
      expect(await response.text()).toContain('This link does not work')
    }
    expect((await payload.findByID({ collection: 'subscribers', id: message.customArgs.subscriber! })).status).toBe('confirmed')
    expect((await payload.findByID({ collection: 'subscribers', id: Number(id) + 1 })).status).toBe('confirmed')
  })
})

describe('who gets an alert', () => {
  beforeAll(async () => {
    await insertSubscribers('housing', 3, { topic: housing })
    await insertSubscribers('food', 3, { topic: food })
    await insertSubscribers('urgentonly', 3, { urgentOnly: true })
    await insertSubscribers('pending', 3, { status: 'pending' })
    await insertSubscribers('gone', 3, { status: 'unsubscribed' })
  })

  it('a standard item: people with one of its topics or no topics, never urgent-only, pending or unsubscribed people', async () => {
    await publish({ title: 'Housing update', topics: [housing.id] })
    expect(recipientsOf('Housing update', 'housing')).toHaveLength(3)
    expect(recipientsOf('Housing update', 'many')).toHaveLength(2499)
    for (const prefix of ['food', 'urgentonly', 'pending', 'gone']) expect(recipientsOf('Housing update', prefix), prefix).toEqual([])
  })

  it('an urgent item: urgent-only people too, marked urgent in subject and body', async () => {
    await publish({ title: 'Food banks closing', urgency: 'urgent', topics: [food.id] })
    const subject = 'URGENT: Food banks closing'
    expect(recipientsOf(subject, 'food')).toHaveLength(3)
    expect(recipientsOf(subject, 'urgentonly')).toHaveLength(3)
    expect(recipientsOf(subject, 'housing')).toEqual([])
    expect(received(subject)[0]!.html).toContain('Urgent statement')
    expect(received(subject)[0]!.text!.startsWith('URGENT STATEMENT')).toBe(true)
  })

  it('an item with email switched off, an update or a retraction: nobody', async () => {
    const quiet = await publish({ title: 'Not by email', channels: { feed: true, email: false, social: true } })
    expect(received('Not by email')).toEqual([])
    const before = sink.messages.length
    await payload.update({ collection: 'announcements', id: quiet.id, data: { channels: { feed: true, email: true, social: true }, summary: 'Corrected.' } })
    await waitForItemDelivered(payload, 'announcements', quiet.id, 2)
    await payload.update({ collection: 'announcements', id: quiet.id, data: { _status: 'draft' } })
    await waitForItemDelivered(payload, 'announcements', quiet.id, 3)
    expect(sink.messages.length).toBe(before)
  })
})

describe('a correction', () => {
  it('goes, when staff ask for it, only to the people who received the alert', async () => {
    const item = await publish({ title: 'Waiting times', summary: 'Waiting times doubled.' })
    const alertRecipients = received('Waiting times').map((message) => message.to)
    expect(alertRecipients.length).toBeGreaterThan(2000)

    await insertSubscribers('late', 5) // confirmed after the alert went out
    const leaver = await payload.find({ collection: 'subscribers', where: { email: { equals: 'many-11@example.net' } }, depth: 0 })
    await payload.update({ collection: 'subscribers', id: leaver.docs[0]!.id, data: { status: 'unsubscribed' } })

    const corrected = await payload.update({ collection: 'announcements', id: item.id, data: { summary: 'Waiting times rose by half.', notifySubscribers: true } })
    await waitForItemDelivered(payload, 'announcements', item.id, 2)
    expect(corrected.notifySubscribers).toBe(false) // an instruction for that save, not a setting

    const correction = received('Correction: Waiting times')
    expect(correction.map((message) => message.to).sort()).toEqual(alertRecipients.filter((to) => to !== 'many-11@example.net').sort())
    expect(correction[0]!.text).toContain('This corrects an alert we sent you earlier.')
    expect(correction[0]!.text).toContain('Waiting times rose by half.')
    const campaigns = await payload.find({ collection: 'campaigns', where: { itemId: { equals: String(item.id) } }, sort: 'createdAt', depth: 0 })
    expect(campaigns.docs.map((campaign) => [campaign.kind, campaign.original])).toEqual([
      ['alert', null],
      ['correction', campaigns.docs[0]!.id],
    ])

    // The next change without the instruction sends nothing.
    const before = sink.messages.length
    await payload.update({ collection: 'announcements', id: item.id, data: { summary: 'Waiting times rose by half (source added).' } })
    await waitForItemDelivered(payload, 'announcements', item.id, 3)
    expect(sink.messages.length).toBe(before)
  })
})

describe('a provider that refuses and rate-limits', () => {
  it('429 with Retry-After on half the requests and 500 on a tenth: the campaign completes, everyone exactly once', async () => {
    const refusedBefore = { 429: sink.answered[429] ?? 0, 500: sink.answered[500] ?? 0 }
    sink.setFaults({ rate429: 0.5, rate500: 0.1, retryAfterSeconds: 1 })
    try {
      const item = await payload.create({
        collection: 'announcements',
        data: { title: 'Under pressure', summary: 's', body, urgency: 'urgent', _status: 'published' },
      })
      await waitForItemDelivered(payload, 'announcements', item.id)
    } finally {
      sink.setFaults({ rate429: 0, rate500: 0 })
    }
    expect(sink.answered[429]! - refusedBefore[429]).toBeGreaterThan(0)
    expect((sink.answered[500] ?? 0) - refusedBefore[500]).toBeGreaterThan(0)
    const stillSubscribed = (await payload.count({ collection: 'subscribers', where: { email: { like: 'many-' }, status: { equals: 'confirmed' } } })).totalDocs
    expect(stillSubscribed).toBe(2498) // two of the 2,500 left in the tests above
    const many = recipientsOf('URGENT: Under pressure', 'many')
    expect(many).toHaveLength(stillSubscribed)
    expect(new Set(many).size).toBe(stillSubscribed)
  }, 120_000)

  it('a send that cannot go out (no sender address) fails its units at once, with the reason for staff', async () => {
    await payload.updateGlobal({ slug: 'site', data: { senderEmail: null } })
    try {
      const item = await payload.create({ collection: 'announcements', data: { title: 'No sender', summary: 's', body, urgency: 'standard', _status: 'published' } })
      const units = async () => (await payload.find({ collection: 'deliveries', where: { itemId: { equals: String(item.id) }, channel: { equals: 'email' } }, depth: 0 })).docs
      await expect.poll(async () => (await units()).map((unit) => unit.state), { timeout: 20_000 }).toEqual(['failed', 'failed', 'failed'])
      expect((await units())[0]!.lastError).toMatch(/No sender address: set "Sender email" in the Site settings/)
      expect(received('No sender')).toEqual([])
    } finally {
      await payload.updateGlobal({ slug: 'site', data: { senderEmail: 'alerts@example.org' } })
    }
  })

  it('a key SendGrid refuses (401): the channel pauses with the reason for staff, and carries on exactly once when resumed', async () => {
    const editor = await authHeaders(payload, await createUser(payload, 'editor', 'editor-pause@example.org'))
    const author = await authHeaders(payload, await createUser(payload, 'author', 'author-pause@example.org'))
    const refusedBefore = sink.answered[401] ?? 0
    sink.setApiKey('SG.rotated-key')
    let item: Announcement
    try {
      item = await payload.create({ collection: 'announcements', data: { title: 'Key revoked', summary: 's', body, urgency: 'urgent', _status: 'published' } })
      const units = async () => (await payload.find({ collection: 'deliveries', where: { itemId: { equals: String(item.id) }, channel: { equals: 'email' } }, depth: 0 })).docs
      const paused = await waitFor(async () => {
        const listed = await rest('GET', '/api/deliveries/paused-channels', { headers: editor })
        return (listed.json!.paused as { channel: string; reason: string }[]).length > 0 && listed.json!.paused
      }, 20_000, 'the email channel to pause')
      expect(paused).toEqual([{ channel: 'email', reason: 'SendGrid answered 401: The provided authorization grant is invalid, expired, or revoked', pausedAt: expect.any(String) }])
      const failed = (await units()).filter((unit) => unit.state === 'failed')
      expect(failed.length).toBeGreaterThan(0)
      expect(failed[0]!.lastError).toBe('SendGrid answered 401: The provided authorization grant is invalid, expired, or revoked')
      // Paused means paused: nothing more is tried while the key is wrong.
      const refusals = sink.answered[401]! - refusedBefore
      await new Promise((resolve) => setTimeout(resolve, 1_500))
      expect(sink.answered[401]! - refusedBefore).toBe(refusals)
      expect((await units()).every((unit) => unit.attempts <= 1)).toBe(true)
    } finally {
      sink.setApiKey(API_KEY)
    }

    expect((await rest('POST', '/api/deliveries/paused-channels/email/resume')).status).toBe(401)
    expect((await rest('POST', '/api/deliveries/paused-channels/email/resume', { headers: author })).status).toBe(403)
    const resumed = await rest('POST', '/api/deliveries/paused-channels/email/resume', { headers: editor })
    expect(resumed).toMatchObject({ status: 200, json: { message: 'The email channel is sending again; its paused work carries on where it stopped.' } })
    expect((await rest('POST', '/api/deliveries/paused-channels/email/resume', { headers: editor })).status).toBe(409)
    await waitForItemDelivered(payload, 'announcements', item!.id)
    const many = recipientsOf('URGENT: Key revoked', 'many')
    expect(many).toHaveLength(2498)
    expect(new Set(many).size).toBe(2498)
    expect((await rest('GET', '/api/deliveries/paused-channels', { headers: editor })).json).toEqual({ paused: [] })
  }, 60_000)
})

describe('the other messages', () => {
  it('offers the organisation’s unsubscribe mailbox in List-Unsubscribe when one is set, beside the one-click link', async () => {
    await payload.updateGlobal({ slug: 'site', data: { unsubscribeMailbox: 'leave@example.org' } })
    try {
      await publish({ title: 'With a mailbox', urgency: 'urgent' })
    } finally {
      await payload.updateGlobal({ slug: 'site', data: { unsubscribeMailbox: null } })
    }
    const message = received('URGENT: With a mailbox').find((candidate) => candidate.to === 'many-3@example.net')!
    const [https, mailto] = message.headers['List-Unsubscribe']!.split(', ')
    expect(https).toMatch(/^<https:\/\/news\.example\.org\/unsubscribe\?token=[\w.-]+>$/)
    const token = new URL(https!.slice(1, -1)).searchParams.get('token')!
    expect(mailto).toBe(`<mailto:leave@example.org?subject=unsubscribe%20${token}>`)
    expect(message.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click')
  })

  it('sends Payload’s own messages (a password reset) through SendGrid, from the Site settings’ sender', async () => {
    const user = await createUser(payload, 'editor', 'forgetful@example.org')
    await payload.forgotPassword({ collection: 'users', data: { email: user.email }, disableEmail: false })
    const reset = await waitFor(() => sink.messages.find((message) => message.to === 'forgetful@example.org'), 10_000, 'the password reset email')
    expect(reset.from).toBe('alerts@example.org')
    expect(reset.html).toMatch(/reset-password|reset/i)
  })
})
