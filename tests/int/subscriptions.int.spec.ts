/** Signing up: the public subscribe endpoint, the confirmation message, its link and the page's Confirm button. */
import { DomUtils, parseDocument } from 'htmlparser2'
import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { startMailSink, type MailSink } from '../../dev/mail-sink/sendgrid-sink'
import { startTestPayload, type TestPayload } from '../helpers/payload'
import { rest } from '../helpers/rest'

const SITE = 'https://news.example.org'
const API_KEY = 'SG.subscriptions-test'

let ctx: TestPayload
let payload: Payload
let sink: MailSink

beforeAll(async () => {
  sink = await startMailSink({ apiKey: API_KEY })
  ctx = await startTestPayload({ SENDGRID_API_KEY: API_KEY, SENDGRID_BASE_URL: sink.url, PUBLIC_URL: SITE, LOG_LEVEL: 'error' })
  payload = ctx.payload
  await payload.updateGlobal({ slug: 'site', data: { organisationName: 'Northfield Food Network', senderEmail: 'alerts@example.org' } })
  await payload.create({ collection: 'topics', data: { name: 'Housing' } })
})
afterAll(async () => {
  await ctx?.stop()
  await sink?.close()
})

let ip = 0
/** Each test signs up from its own address, so the per-IP limit is tested only where it is meant to be. */
const subscribe = (json: unknown, headers: Record<string, string> = {}) =>
  rest('POST', '/api/subscribers/subscribe', { json, headers: { 'x-forwarded-for': `203.0.113.${++ip}`, ...headers } })
const subscriberCount = async () => (await payload.count({ collection: 'subscribers' })).totalDocs
const mailsTo = (email: string) => sink.messages.filter((message) => message.to === email)
const confirmLink = (email: string) => /https:\/\/news\.example\.org\/api\/subscribers\/confirm\?token=[\w.-]+/.exec(mailsTo(email).at(-1)?.text ?? '')?.[0]
const findByEmail = async (email: string) => (await payload.find({ collection: 'subscribers', where: { email: { equals: email } }, depth: 0 })).docs[0]

describe('signing up', () => {
  it('records a pending sign-up with its choices and consent source, and sends one confirmation link', async () => {
    const response = await subscribe({ email: ' Ann@Example.NET ', topics: ['housing'], urgentOnly: true })
    expect(response.status).toBe(202)
    expect(response.json?.message).toMatch(/a message with a confirmation link is on its way/)
    const subscriber = await findByEmail('ann@example.net')
    expect(subscriber).toMatchObject({ status: 'pending', urgentOnly: true, confirmedAt: null, consent: { source: 'site-form', wordingVersion: '2026-11', givenAt: null } })
    expect(subscriber!.topics).toHaveLength(1)
    expect(mailsTo('ann@example.net')).toHaveLength(1)
    expect(mailsTo('ann@example.net')[0]!.subject).toBe('Confirm your alerts from Northfield Food Network')
    expect(confirmLink('ann@example.net')).toBeDefined()
  })

  it('opens a page with one Confirm button on the link, changing nothing, as a link scanner would', async () => {
    const link = confirmLink('ann@example.net')!
    for (let visit = 0; visit < 2; visit++) {
      const page = await rest('GET', link.replace(SITE, ''))
      expect(page.status).toBe(200)
      expect(page.headers.get('cache-control')).toBe('no-store')
      const document = parseDocument(page.text)
      const forms = DomUtils.getElementsByTagName('form', document)
      expect(forms.map((form) => form.attribs)).toEqual([{ method: 'post', action: `${new URL(link).pathname}${new URL(link).search}` }])
      expect(DomUtils.getElementsByTagName('button', document).map((button) => DomUtils.textContent(button))).toEqual(['Confirm'])
    }
    expect(await findByEmail('ann@example.net')).toMatchObject({ status: 'pending', confirmedAt: null, consent: expect.objectContaining({ givenAt: null }) })
  })

  it('confirms when the button posts, records when, and says so on a page', async () => {
    const link = confirmLink('ann@example.net')!
    const page = await rest('POST', link.replace(SITE, ''), { body: '', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    expect(page.status).toBe(200)
    expect(page.text).toContain('You are subscribed')
    const subscriber = await findByEmail('ann@example.net')
    expect(subscriber!.status).toBe('confirmed')
    expect(subscriber!.confirmedAt).toBeTruthy()
    expect(subscriber!.consent?.givenAt).toBeTruthy()
    expect((await rest('POST', link.replace(SITE, ''))).status).toBe(200) // a second click is fine
    // The link, opened again, says so instead of asking.
    expect((await rest('GET', link.replace(SITE, ''))).text).toContain('You are subscribed')
  })

  it('answers the same for a known address, sends it nothing, and never makes a second row', async () => {
    const count = await subscriberCount()
    const again = await subscribe({ email: 'ann@example.net' })
    const fresh = await subscribe({ email: 'someone-new@example.net' })
    expect(again.status).toBe(fresh.status)
    expect(again.text).toBe(fresh.text)
    expect(mailsTo('ann@example.net')).toHaveLength(1)
    expect(await subscriberCount()).toBe(count + 1)
  })

  it('re-sends a pending address its link at most once per interval', async () => {
    await subscribe({ email: 'bob@example.net' })
    await subscribe({ email: 'bob@example.net' })
    await subscribe({ email: 'BOB@example.net' })
    expect(mailsTo('bob@example.net')).toHaveLength(1)
    expect((await payload.find({ collection: 'subscribers', where: { email: { equals: 'bob@example.net' } } })).totalDocs).toBe(1)
  })

  it('refuses altered, expired-looking or borrowed tokens with a page that says so', async () => {
    const link = new URL(confirmLink('bob@example.net')!)
    const [id, expires, signature] = link.searchParams.get('token')!.split('.')
    for (const token of [`${id}.${Number(expires) + 1}.${signature}`, `${id}.0.${signature}`, 'nonsense']) {
      for (const method of ['GET', 'POST'] as const) {
        const response = await rest(method, `/api/subscribers/confirm?token=${encodeURIComponent(token)}`)
        expect(response.status).toBe(400)
        expect(response.text).toContain('This link does not work')
      }
    }
    expect((await findByEmail('bob@example.net'))!.status).toBe('pending')
  })
})

describe('bad input', () => {
  it('gets a 4xx with a message a person understands, and stores nothing', async () => {
    const count = await subscriberCount()
    const cases: [Parameters<typeof rest>[2], number, RegExp][] = [
      [{ json: { email: 'not-an-address' } }, 400, /Enter an email address/],
      [{ json: { email: 'x@example.net', topics: ['no-such-topic'] } }, 400, /no topic called "no-such-topic"/],
      [{ json: { email: `${'a'.repeat(250)}@example.net` } }, 400, /too long|Enter an email address/],
      [{ body: '{"email": ', headers: { 'content-type': 'application/json' } }, 400, /could not be read/],
      [{ body: 'email=x@example.net', headers: { 'content-type': 'text/plain' } }, 415, /application\/json/],
      [{ body: JSON.stringify({ email: 'x@example.net', topics: ['a'.repeat(9000)] }), headers: { 'content-type': 'application/json' } }, 413, /too large/],
      [{ json: { email: 'x@example.net\r\nBcc: victim@example.net' } }, 400, /Enter an email address/],
    ]
    for (const [init, status, message] of cases) {
      const response = await rest('POST', '/api/subscribers/subscribe', { ...init, headers: { 'x-forwarded-for': `198.51.100.${++ip}`, ...init?.headers } })
      expect(response.status, JSON.stringify(init)).toBe(status)
      expect(String(response.json?.message), JSON.stringify(init)).toMatch(message)
      expect(response.text).not.toMatch(/at \w+ \(|node_modules/)
    }
    expect(await subscriberCount()).toBe(count)
  })

  it('takes the site form as it posts (urlencoded)', async () => {
    const response = await rest('POST', '/api/subscribers/subscribe', {
      body: 'email=form%40example.net&topics=housing&urgentOnly=on',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': `198.51.100.${++ip}` },
    })
    expect(response.status).toBe(202)
    expect(await findByEmail('form@example.net')).toMatchObject({ status: 'pending', urgentOnly: true })
  })
})

describe('abuse', () => {
  it('limits sign-ups per address and per IP, with Retry-After', async () => {
    const statuses = []
    for (let n = 0; n < 6; n++) statuses.push((await subscribe({ email: 'target@example.net' })).status)
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429])
    const limited = await subscribe({ email: 'target@example.net' })
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(limited.json?.message).toMatch(/Too many sign-up attempts/)
    expect(mailsTo('target@example.net')).toHaveLength(1)

    const fromOneIp = []
    for (let n = 0; n < 21; n++) fromOneIp.push((await rest('POST', '/api/subscribers/subscribe', { json: { email: `ip-${n}@example.net` }, headers: { 'x-forwarded-for': '192.0.2.99' } })).status)
    expect(fromOneIp.slice(0, 20).every((status) => status === 202)).toBe(true)
    expect(fromOneIp[20]).toBe(429)
  })
})
