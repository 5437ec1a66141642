/**
 * The same statement, correct in every format (issue 17): each case of tests/helpers/conformance-cases
 * is published once, urgent, in a topic named like its title, through the real pipeline (feeds, email
 * to the local SendGrid stand-in, Mastodon, Bluesky and a webhook on their fakes), and every output is
 * read back by a parser the project did not write: feedsmith for RSS, Atom and JSON Feed, xmllint with
 * OASIS's schema and fast-xml-parser for CAP, htmlparser2 for pages and email HTML, nodemailer's MIME
 * writer (standing in for SendGrid's) and postal-mime for the message a mail client gets, JSON.parse for
 * the SendGrid request, the posts and the webhook. Each cell asserts that a reader sees exactly what
 * staff typed (less the control characters the content model drops), that no element, attribute or
 * script appears that staff did not write (the same elements as the plain baseline case), and the
 * format's own rules. The matrix of cells is printed at the end.
 */
import { randomBytes } from 'node:crypto'

import { parseAtomFeed, parseJsonFeed, parseRssFeed } from 'feedsmith'
import { XMLParser } from 'fast-xml-parser'
import { DomUtils, parseDocument } from 'htmlparser2'
import nodemailer from 'nodemailer'
import type { Payload } from 'payload'
import PostalMime, { type Email } from 'postal-mime'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { Announcement, Subscriber, Topic } from '@/payload-types'

import { startMailSink, type MailSink, type SinkMessage } from '../../dev/mail-sink/sendgrid-sink'
import { subscriberToken } from '../../src/subscribers/tokens'
import { richText } from '../../src/seed/lexical'
import { startFakeBluesky, type FakeBluesky } from '../fakes/bluesky'
import { startFakeMastodon, type FakeMastodon } from '../fakes/mastodon'
import { startFakeWebhookReceiver, type FakeWebhookReceiver } from '../fakes/webhook-receiver'
import { capMessagesIn, capSchemaErrors } from '../helpers/cap-schema'
import { BASELINE, CASES, type ConformanceCase, readsAs } from '../helpers/conformance-cases'
import { getFeed, htmlElements, htmlText, parseFeed, waitForItemDelivered } from '../helpers/feeds'
import { waitFor } from '../helpers/log-file'
import { startTestPipeline, type TestPipeline } from '../helpers/pipeline'
import { rest } from '../helpers/rest'

const SITE = 'https://news.example.org'
const ORG = 'Northfield "Food" & <Shelter> Network'
const API_KEY = 'SG.conformance'
const MASTODON_TOKEN = 'mastodon-conformance-token'
const BLUESKY = { handle: 'northfield.bsky.social', did: 'did:plc:northfieldconformance', password: 'abcd-efgh-ijkl-mnop' }
const WEBHOOK_SECRET = `whsec_${randomBytes(24).toString('base64')}`
const SECRET = 'test-secret-that-is-long-enough-0123456789'

let ctx: TestPipeline
let payload: Payload
let sink: MailSink
let mastodon: FakeMastodon
let bluesky: FakeBluesky
let webhook: FakeWebhookReceiver
let reader: Subscriber

type Published = { item: Announcement; topic: Topic; url: string }
const published = new Map<ConformanceCase, Published>()
const feedTexts = new Map<string, string>()
let capIndexXml = ''

/** Each cell that passed, by output and case, for the matrix printed at the end. */
const passed = new Map<string, Set<string>>()
const OUTPUTS: string[] = []

const DOCUMENT = (html: string) => parseDocument(html, { decodeEntities: true })
const elementsOf = (html: string) => DomUtils.findAll(() => true, DOCUMENT(html).children)
const elementNames = (html: string) => elementsOf(html).map((element) => element.name)
const attributeNames = (html: string) => elementsOf(html).flatMap((element) => Object.keys(element.attribs).map((name) => `${element.name}@${name}`))
const first = (html: string, test: (element: ReturnType<typeof elementsOf>[number]) => boolean) => elementsOf(html).find(test)
const textOf = (html: string, test: Parameters<typeof first>[1]) => {
  const element = first(html, test)
  return element ? DomUtils.textContent(element) : undefined
}
const meta = (html: string, key: string) => first(html, (element) => element.name === 'meta' && (element.attribs.name === key || element.attribs.property === key))?.attribs.content

beforeAll(async () => {
  sink = await startMailSink({ apiKey: API_KEY })
  mastodon = await startFakeMastodon({ tokens: { [MASTODON_TOKEN]: 'northfield' } })
  bluesky = await startFakeBluesky({ accounts: [BLUESKY] })
  webhook = await startFakeWebhookReceiver(WEBHOOK_SECRET)
  ctx = await startTestPipeline({ DELIVERY_CHANNELS: 'feeds,email,social', SENDGRID_API_KEY: API_KEY, SENDGRID_BASE_URL: sink.url, PUBLIC_URL: SITE })
  payload = ctx.payload
  await payload.updateGlobal({
    slug: 'site',
    data: { organisationName: ORG, senderName: 'Northfield alerts', senderEmail: 'alerts@example.org', postalAddress: '1 High Street\nNorthfield NF1 1AA' },
  })
  reader = await payload.create({ collection: 'subscribers', data: { email: 'reader@example.net', status: 'confirmed' } })
  const accounts = [
    { network: 'mastodon' as const, baseUrl: mastodon.url, secret: MASTODON_TOKEN },
    { network: 'bluesky' as const, baseUrl: bluesky.url, identifier: BLUESKY.handle, secret: BLUESKY.password },
    { network: 'webhook' as const, baseUrl: webhook.url, secret: WEBHOOK_SECRET },
  ]
  for (const account of accounts) {
    await payload.create({ collection: 'accounts', data: { ...account, displayName: `Northfield on ${account.network}`, urgencies: ['urgent'], schedule: { timeZone: 'Europe/London', slots: [] } } })
  }

  for (const statement of CASES) {
    const topic = await payload.create({ collection: 'topics', data: { name: statement.title } })
    const item = await payload.create({
      collection: 'announcements',
      data: { title: statement.title, summary: statement.summary, body: richText(statement.body), urgency: 'urgent', topics: [topic.id], _status: 'published' },
    })
    await waitForItemDelivered(payload, 'announcements', item.id)
    published.set(statement, { item, topic, url: `${SITE}/announcements/${encodeURIComponent(item.slug!)}` })
  }
  await waitFor(
    () => mastodon.statuses.length >= CASES.length && bluesky.records.length >= CASES.length && webhook.received.length >= CASES.length,
    60_000,
    'every case posted to Mastodon, Bluesky and the webhook',
  )

  const paths = ['', '/urgent', ...[...published.values()].map(({ topic }) => `/topics/${encodeURIComponent(topic.slug!)}`)].flatMap((scope) =>
    ['feed.xml', 'feed.atom', 'feed.json'].map((file) => `${scope}/${file}`),
  )
  for (const path of paths) {
    const response = await getFeed(path)
    expect(response.status, path).toBe(200)
    feedTexts.set(path, response.text)
  }
  const cap = await (await import('@/app/(site)/alerts.cap.xml/route')).GET(new Request(`${SITE}/alerts.cap.xml`))
  capIndexXml = await cap.text()
}, 240_000)

afterAll(async () => {
  const rows = OUTPUTS.map((output) => `| ${output} | ${CASES.map((statement) => (passed.get(output)?.has(statement.name) ? '✓' : '✗')).join(' | ')} |`)
  console.log(
    ['Conformance matrix (outputs × cases):', `| output | ${CASES.map((statement) => statement.name).join(' | ')} |`, `| --- |${CASES.map(() => ' :-: |').join('')}`, ...rows].join('\n'),
  )
  await ctx?.stop()
  await Promise.all([sink?.close(), mastodon?.close(), bluesky?.close(), webhook?.close()])
})

/** One row of the matrix: a test per case, recorded when it passes. */
function output(name: string, check: (statement: ConformanceCase, facts: Published & { reads: { title: string; summary: string } }) => void | Promise<void>) {
  OUTPUTS.push(name)
  describe(name, () => {
    it.each(CASES.map((statement) => [statement.name, statement] as const))('%s', async (_, statement) => {
      await check(statement, { ...published.get(statement)!, reads: readsAs(statement) })
      passed.set(name, (passed.get(name) ?? new Set()).add(statement.name))
    })
  })
}

// ---------------------------------------------------------------------------------------------- feeds

const scopes = [
  ['main', () => ''],
  ['urgent', () => '/urgent'],
  ['topic', (topic: Topic) => `/topics/${encodeURIComponent(topic.slug!)}`],
] as const

const feedTitle = { main: ORG, urgent: `${ORG}: urgent statements` } as Record<string, string>

for (const [scope, pathOf] of scopes) {
  output(`RSS 2.0 (${scope})`, (statement, { item, topic, url, reads }) => {
    const path = `${pathOf(topic)}/feed.xml`
    const text = feedTexts.get(path)!
    const parsed = parseFeed(path, text)
    expect(parsed.title).toBe(feedTitle[scope] ?? `${ORG}: ${reads.title}`)
    const entry = parsed.items.find((candidate) => candidate.id === item.feedGuid)!
    expect(entry).toMatchObject({ title: reads.title, url, summary: reads.summary, categories: [reads.title] })
    // RSS 2.0: the description is HTML, and holds nothing but the text.
    const raw = parseRssFeed(text).items!.find((candidate) => candidate.guid?.value === item.feedGuid)!
    expect(htmlElements(raw.description!)).toEqual([])
    expect([...(raw.authors ?? []), ...(raw.dc?.creators ?? [])]).toContain(ORG)
    expect(htmlText(entry.html)).toBe(statement.body)
    expect(htmlElements(entry.html)).toEqual(['p'])
  })

  output(`Atom 1.0 (${scope})`, (statement, { item, topic, url, reads }) => {
    const path = `${pathOf(topic)}/feed.atom`
    const text = feedTexts.get(path)!
    expect(parseFeed(path, text).title).toBe(feedTitle[scope] ?? `${ORG}: ${reads.title}`)
    const entry = parseAtomFeed(text).entries!.find((candidate) => candidate.id === item.feedGuid)!
    // Atom text constructs: type="text", shown as they stand.
    expect(entry.title).toEqual({ type: 'text', value: reads.title })
    expect(entry.summary).toEqual({ type: 'text', value: reads.summary })
    expect(entry.links?.find((link) => link.rel === 'alternate')?.href).toBe(url)
    expect(entry.categories?.map((category) => category.term)).toEqual([reads.title])
    expect(entry.authors?.map((author) => author.name)).toEqual([ORG])
    expect(entry.content?.type).toBe('html')
    expect(htmlText(entry.content!.value!)).toBe(statement.body)
    expect(htmlElements(entry.content!.value!)).toEqual(['p'])
  })

  output(`JSON Feed 1.1 (${scope})`, (statement, { item, topic, url, reads }) => {
    const path = `${pathOf(topic)}/feed.json`
    const json = JSON.parse(feedTexts.get(path)!) as { version: string; title: string; items: Record<string, unknown>[] }
    // JSON Feed 1.1's required fields: version, title, items; each item an id and content_html or content_text.
    expect(json.version).toBe('https://jsonfeed.org/version/1.1')
    expect(json.title).toBe(feedTitle[scope] ?? `${ORG}: ${reads.title}`)
    for (const entry of json.items) {
      expect(typeof entry.id === 'string' && entry.id.length > 0).toBe(true)
      expect(typeof entry.content_html === 'string' || typeof entry.content_text === 'string').toBe(true)
    }
    const entry = parseJsonFeed(json).items!.find((candidate) => candidate.id === item.feedGuid)!
    expect(entry).toMatchObject({ title: reads.title, summary: reads.summary, url, tags: [reads.title] })
    expect(entry.authors?.map((author) => author.name)).toEqual([ORG])
    expect(htmlText(entry.content_html!)).toBe(statement.body)
    expect(htmlElements(entry.content_html!)).toEqual(['p'])
  })
}

// ------------------------------------------------------------------------------------------------ CAP

output('CAP 1.2 index and alert', (_, { url, reads }) => {
  const alerts = capMessagesIn(capIndexXml)
  const index = parseAtomFeed(capIndexXml)
  expect(alerts).toHaveLength(index.entries!.length)
  const position = alerts.findIndex((alert) => (new XMLParser({ parseTagValue: false }).parse(alert).alert.info as { web: string }).web === url)
  expect(position).toBeGreaterThanOrEqual(0)
  const xml = alerts[position]!
  expect(capSchemaErrors(xml), xml).toBe('')
  const alert = new XMLParser({ parseTagValue: false }).parse(xml).alert as Record<string, string> & { info: Record<string, string> }
  expect(alert).toMatchObject({ sender: 'news.example.org', msgType: 'Alert', status: 'Actual', scope: 'Public' })
  expect(alert.sent).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-00:00$/)
  expect(alert.info).toMatchObject({ headline: reads.title, description: reads.summary, event: reads.title, senderName: ORG, web: url })
  expect(index.entries![position]).toMatchObject({ id: alert.identifier, title: { type: 'text', value: reads.title } })
})

// ---------------------------------------------------------------------------------------------- email

const subjectOf = (reads: { title: string }) => `URGENT: ${reads.title}`
type SendGridRequest = { subject?: string; from?: { email: string }; content?: { type: string; value: string }[]; personalizations?: { to: { email: string }[]; headers?: Record<string, string> }[] }
const requestFor = (reads: { title: string }) => (sink.requests as SendGridRequest[]).filter((request) => request.subject === subjectOf(reads))
const messageFor = (reads: { title: string }): SinkMessage => sink.messages.find((message) => message.subject === subjectOf(reads))!

/** The message as a mail client gets it: SendGrid's request written as MIME (nodemailer), then parsed (postal-mime). */
async function delivered(message: SinkMessage): Promise<{ raw: string; email: Email }> {
  const writer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' })
  const { message: raw } = (await writer.sendMail({ from: message.from, to: message.to, subject: message.subject, text: message.text, html: message.html, headers: message.headers })) as { message: Buffer }
  return { raw: raw.toString('latin1'), email: await PostalMime.parse(raw) }
}

output('SendGrid request', (_, { reads }) => {
  const requests = requestFor(reads)
  expect(requests).toHaveLength(1)
  const [request] = requests
  expect(request!.subject).toBe(subjectOf(reads))
  expect(request!.subject).not.toMatch(/[\r\n]/)
  expect(request!.content?.map((block) => block.type)).toEqual(['text/plain', 'text/html'])
  expect(request!.personalizations?.map((personalization) => personalization.to.map((to) => to.email))).toEqual([['reader@example.net']])
  expect(request!.personalizations?.[0]?.headers?.['List-Unsubscribe']).toMatch(/^<https:\/\/news\.example\.org\/unsubscribe\?token=[\w.-]+>$/)
  expect(request!.personalizations?.[0]?.headers?.['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click')
})

output('email Subject (RFC 2047, as a mail client decodes it)', async (_, { reads }) => {
  const { raw, email } = await delivered(messageFor(reads))
  expect(email.subject).toBe(subjectOf(reads))
  const head = raw.split('\r\n\r\n')[0]!
  // Headers are ASCII lines of at most 998 characters (RFC 5322); non-ASCII travels as encoded words.
  expect(head).toMatch(/^[\x20-\x7e\r\n\t]*$/)
  for (const line of head.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998)
  // eslint-disable-next-line no-control-regex -- ASCII is the question
  if (/[^\x00-\x7f]/.test(reads.title)) expect(head).toMatch(/^Subject: =\?UTF-8\?[BQ]\?/m)
})

output('email HTML part', async (statement, { url, reads }) => {
  const { email } = await delivered(messageFor(reads))
  const html = email.html!
  expect(textOf(html, (element) => element.name === 'title')).toBe(subjectOf(reads))
  expect(textOf(html, (element) => element.name === 'h1')).toBe(reads.title)
  const h1 = first(html, (element) => element.name === 'h1')!
  const lead = DomUtils.nextElementSibling(h1)!
  expect(DomUtils.textContent(lead)).toBe(reads.summary)
  expect(htmlText(html)).toContain(statement.body)
  expect(first(html, (element) => element.name === 'a' && element.attribs.href === url)).toBeDefined()
  const baseline = (await delivered(messageFor(readsAs(BASELINE)))).email.html!
  expect(elementNames(html)).toEqual(elementNames(baseline))
  expect(attributeNames(html)).toEqual(attributeNames(baseline))
})

output('email text part', async (statement, { url, reads }) => {
  const { email } = await delivered(messageFor(reads))
  const lines = email.text!.split(/\r?\n/)
  expect(lines).toContain(reads.title)
  expect(lines).toContain(reads.summary)
  expect(lines).toContain(statement.body)
  expect(lines).toContain(`Read it on our website: ${url}`)
})

// --------------------------------------------------------------------------------------------- social

/**
 * A post made from the template "{title}\n\n{summary}\n\n{url}": the text as typed, or, where the
 * network's limit cut it, each part a run of its whole words followed by "…".
 */
function expectFitted(parts: string[], reads: { title: string; summary: string }) {
  const cut = (shown: string, typed: string) => {
    if (shown === typed) return
    expect(shown.endsWith('…'), `"${shown}" is "${typed}" or a cut of it`).toBe(true)
    const kept = shown.slice(0, -1)
    expect(typed.startsWith(kept)).toBe(true)
    expect(typed.slice(kept.length)).toMatch(/^[\s,;:.!?-]/)
  }
  cut(parts[0]!, reads.title)
  if (parts.length === 2) return
  expect(parts).toHaveLength(3)
  cut(parts[1]!, reads.summary)
}

output('Mastodon post', (_, { url, reads }) => {
  const status = mastodon.statuses.find((candidate) => candidate.text.endsWith(`\n\n${url}`))!
  expect(status).toBeDefined()
  const parts = status.text.split('\n\n')
  expect(parts.at(-1)).toBe(url)
  expectFitted(parts.slice(0, -1), reads)
})

output('Bluesky post', (_, { url, reads }) => {
  type Facet = { index: { byteStart: number; byteEnd: number }; features: { $type: string; uri?: string }[] }
  type Post = { text: string; facets?: Facet[]; embed?: { external?: { uri: string; title: string; description: string } } }
  const record = bluesky.records.map((stored) => stored.record as Post).find((post) => post.facets?.some((facet) => facet.features.some((feature) => feature.uri === url)))!
  expect(record).toBeDefined()
  // Facets count UTF-8 bytes: the link's range must hold exactly the link shown.
  const [facet] = record.facets!
  const shown = Buffer.from(record.text).subarray(facet!.index.byteStart, facet!.index.byteEnd).toString()
  const bare = url.replace(/^https:\/\//, '')
  expect(shown === bare || (shown.endsWith('…') && bare.startsWith(shown.slice(0, -1)))).toBe(true)
  const parts = record.text.split('\n\n')
  expect(parts.at(-1)).toBe(shown)
  expectFitted(parts.slice(0, -1), reads)
  expect(record.embed?.external).toEqual({ uri: url, title: reads.title, description: reads.summary })
})

output('webhook payload', (_, { url, reads }) => {
  const message = webhook.received.map((received) => received.body).find((body) => body.link === url)!
  expect(message).toMatchObject({ type: 'post.created', text: `${reads.title}\n\n${reads.summary}\n\n${url}`, card: { title: reads.title, description: reads.summary } })
})

// ---------------------------------------------------------------------------------------------- pages

const pageOf = async (slug: string) => {
  const response = await (await import('@/app/(site)/announcements/[slug]/route')).GET(new Request(`${SITE}/announcements/${encodeURIComponent(slug)}`), { params: Promise.resolve({ slug }) })
  expect(response.status).toBe(200)
  return response.text()
}

output('public page (title, h1, meta, Open Graph)', async (statement, { item, topic, reads }) => {
  const html = await pageOf(item.slug!)
  expect(textOf(html, (element) => element.name === 'title')).toBe(`${reads.title} · ${ORG}`)
  expect(textOf(html, (element) => element.name === 'h1')).toBe(reads.title)
  expect(textOf(html, (element) => element.name === 'p' && element.attribs.class === 'lead')).toBe(reads.summary)
  expect(meta(html, 'description')).toBe(reads.summary)
  expect(meta(html, 'og:title')).toBe(reads.title)
  expect(meta(html, 'og:description')).toBe(reads.summary)
  expect(meta(html, 'og:site_name')).toBe(ORG)
  expect(meta(html, 'twitter:title')).toBe(reads.title)
  expect(meta(html, 'twitter:description')).toBe(reads.summary)
  expect(textOf(html, (element) => element.name === 'a' && element.attribs.href === `/topics/${encodeURIComponent(topic.slug!)}`)).toBe(reads.title)
  expect(textOf(html, (element) => element.name === 'div' && element.attribs.class === 'body')).toBe(statement.body)
  const baseline = await pageOf(published.get(BASELINE)!.item.slug!)
  expect(elementNames(html)).toEqual(elementNames(baseline))
  expect(attributeNames(html)).toEqual(attributeNames(baseline))
})

output('subscriber pages (sign-up form, preferences)', async (_, { topic, reads }) => {
  const signUp = await (await (await import('@/app/(site)/subscribe/route')).GET(new Request(`${SITE}/subscribe`))).text()
  const token = subscriberToken(SECRET, 'preferences', reader.id)
  const preferences = await (await (await import('@/app/(site)/preferences/route')).GET(new Request(`${SITE}/preferences?token=${token}`))).text()
  for (const html of [signUp, preferences]) {
    const box = first(html, (element) => element.name === 'input' && element.attribs.value === topic.slug)!
    expect(box).toBeDefined()
    expect(DomUtils.textContent(box.parent as never).trim()).toBe(reads.title)
  }
})

describe('the organisation’s name on the pages for one person', () => {
  it('reads exactly as typed on the confirmation and unsubscribe pages, with no element it did not bring', async () => {
    const pending = await payload.create({ collection: 'subscribers', data: { email: 'pending@example.net', status: 'pending' } })
    const pages = [
      (await rest('GET', `/api/subscribers/confirm?token=${subscriberToken(SECRET, 'confirm', pending.id, new Date(Date.now() + 3_600_000))}`)).text,
      await (await (await import('@/app/(site)/unsubscribe/route')).GET(new Request(`${SITE}/unsubscribe?token=${subscriberToken(SECRET, 'unsubscribe', reader.id)}`))).text(),
    ]
    for (const html of pages) {
      expect(textOf(html, (element) => element.name === 'a' && element.attribs.class === 'name')).toBe(ORG)
      expect(textOf(html, (element) => element.name === 'title')).toMatch(new RegExp(` · ${ORG.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`))
      expect(elementNames(html)).not.toContain('shelter')
      expect(textOf(html, (element) => element.name === 'p')).toContain(ORG)
    }
  })
})
