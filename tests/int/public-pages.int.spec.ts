/** The public site's pages, read through the app's own route handlers as a browser would. */
import { DomUtils, parseDocument } from 'htmlparser2'
import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { Document, Report, Topic } from '@/payload-types'

import { startMailSink, type MailSink } from '../../dev/mail-sink/sendgrid-sink'
import { richText } from '../../src/seed/lexical'
import { body, createItem } from '../helpers/content'
import { startTestPayload, type TestPayload } from '../helpers/payload'

const SITE = 'https://news.example.org'
let ctx: TestPayload
let payload: Payload
let housing: Topic
let sink: MailSink

beforeAll(async () => {
  sink = await startMailSink({ apiKey: 'SG.pages' })
  ctx = await startTestPayload({ PUBLIC_URL: SITE, DELIVERY_CHANNELS: 'log', SENDGRID_API_KEY: 'SG.pages', SENDGRID_BASE_URL: sink.url })
  payload = ctx.payload
  await payload.updateGlobal({ slug: 'site', data: { organisationName: 'Northfield Food Network', senderEmail: 'alerts@example.org' } })
  housing = await payload.create({ collection: 'topics', data: { name: 'Housing', description: 'Homes and rents.' } })
})
afterAll(async () => {
  await ctx?.stop()
  await sink?.close()
})

type Page = { status: number; headers: Headers; html: string }
const post = async (path: string, form: string): Promise<Page> => {
  const response = await (await import('@/app/(site)/subscribe/route')).POST(
    new Request(`${SITE}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '203.0.113.9' }, body: form }),
  )
  return { status: response.status, headers: response.headers, html: await response.text() }
}

const get = async (path: string, headers: Record<string, string> = {}): Promise<Page> => {
  const url = `${SITE}${path}`
  const request = new Request(url, { headers })
  const pathname = new URL(url).pathname
  let response: Response
  const item = /^\/(announcements|reports)\/([^/]+)$/.exec(pathname)
  const topic = /^\/topics\/([^/]+)$/.exec(pathname)
  if (item) response = await (await import(`@/app/(site)/${item[1]}/[slug]/route`)).GET(request, { params: Promise.resolve({ slug: decodeURIComponent(item[2]!) }) })
  else if (topic) response = await (await import('@/app/(site)/topics/[slug]/route')).GET(request, { params: Promise.resolve({ slug: decodeURIComponent(topic[1]!) }) })
  else if (pathname === '/archive') response = await (await import('@/app/(site)/archive/route')).GET(request)
  else if (pathname === '/subscribe') response = await (await import('@/app/(site)/subscribe/route')).GET(request)
  else response = await (await import('@/app/(site)/route')).GET(request)
  return { status: response.status, headers: response.headers, html: await response.text() }
}

describe('an item’s page', () => {
  it('shows a published statement with its card metadata, canonical address and feeds, and nothing unsafe', async () => {
    const item = await payload.create({
      collection: 'announcements',
      data: {
        title: 'Rents & evictions: <what> we "know"',
        summary: 'Evictions rose by a third.',
        body: richText('Read <script>alert(1)</script> this.'),
        urgency: 'standard',
        topics: [housing.id],
        _status: 'published',
      },
    })
    const page = await get(`/announcements/${item.slug}`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(page.html).toContain('<h1>Rents &amp; evictions: &lt;what&gt; we &quot;know&quot;</h1>')
    expect(page.html).toContain(`<link rel="canonical" href="${SITE}/announcements/${item.slug}">`)
    expect(page.html).toContain('<meta property="og:title" content="Rents &amp; evictions: &lt;what&gt; we &quot;know&quot;">')
    expect(page.html).toContain('<meta property="og:description" content="Evictions rose by a third.">')
    expect(page.html).toContain('<meta property="og:type" content="article">')
    expect(page.html).toContain('<meta name="twitter:card" content="summary">')
    expect(page.html).toContain(`<link rel="alternate" type="application/rss+xml" title="Northfield Food Network: all statements (RSS)" href="${SITE}/feed.xml">`)
    expect(page.html).toContain('<a href="/topics/housing">Housing</a>')
    expect(page.html).not.toContain('<script>')
    expect(page.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;') // shown as text, never run
  })

  it('says "updated" only once a correction was published, with its time', async () => {
    const item = await createItem(payload, 'announcements', { status: 'published' })
    const metaLine = async () => {
      const meta = DomUtils.findAll((element) => element.name === 'p' && element.attribs.class === 'meta', parseDocument((await get(`/announcements/${item.slug}`)).html).children)[0]!
      return { text: DomUtils.textContent(meta), times: DomUtils.getElementsByTagName('time', meta).map((time) => time.attribs.datetime) }
    }
    const published = await metaLine()
    expect(published.text).not.toContain('updated')
    expect(published.times).toHaveLength(1)
    // A draft saved over it is no correction yet.
    await payload.update({ collection: 'announcements', id: item.id, draft: true, data: { summary: 'Being corrected.' } })
    expect((await metaLine()).text).not.toContain('updated')

    await payload.update({ collection: 'announcements', id: item.id, data: { summary: 'Corrected.', _status: 'published' } })
    const [correction] = (await payload.find({ collection: 'outbox-events', where: { itemId: { equals: String(item.id) }, kind: { equals: 'update' } }, depth: 0 })).docs
    const corrected = await metaLine()
    expect(corrected.text).toMatch(/^Statement published .+ · updated .+ UTC$/)
    expect(corrected.times).toEqual([published.times[0], correction!.createdAt])
  })

  it('answers 304 to a browser that has the same page', async () => {
    const item = await createItem(payload, 'announcements', { status: 'published' })
    const first = await get(`/announcements/${item.slug}`)
    expect(first.headers.get('cache-control')).toBe('no-cache')
    const again = await get(`/announcements/${item.slug}`, { 'if-none-match': first.headers.get('etag')! })
    expect(again.status).toBe(304)
    await payload.update({ collection: 'announcements', id: item.id, data: { summary: 'Corrected.' } })
    expect((await get(`/announcements/${item.slug}`, { 'if-none-match': first.headers.get('etag')! })).status).toBe(200)
  })

  it('answers 404 for a draft and for nothing at all, and 410 with a notice for a withdrawn statement', async () => {
    const draft = await createItem(payload, 'announcements', { status: 'draft', title: 'Not yet' })
    const missing = await get(`/announcements/${draft.slug}`)
    expect(missing.status).toBe(404)
    expect(missing.html).not.toContain('Not yet')
    expect((await get('/announcements/no-such-thing')).status).toBe(404)

    const withdrawn = await createItem(payload, 'announcements', { status: 'published', title: 'Withdrawn statement' })
    await payload.update({ collection: 'announcements', id: withdrawn.id, data: { _status: 'draft' } })
    const gone = await get(`/announcements/${withdrawn.slug}`)
    expect(gone.status).toBe(410)
    expect(gone.html).toContain('has been withdrawn by Northfield Food Network')
    expect(gone.html).toContain('<meta name="robots" content="noindex">')
    expect(gone.html).not.toContain('A short summary.')
  })

  it('offers a report’s PDF with its size', async () => {
    const report = await createItem(payload, 'reports', { status: 'published', title: 'Annual report' })
    const page = await get(`/reports/${report.slug}`)
    expect(page.status).toBe(200)
    const file = (report as Report).reportFile as Document
    expect(page.html).toMatch(new RegExp(`<a class="download" href="${file.url!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}">Download the report \\(PDF, \\d+ (bytes|KB)\\)</a>`))
  })
})

describe('the home page', () => {
  it('shows the live urgent statement as a banner until it expires, then only in the list', async () => {
    const urgent = await payload.create({
      collection: 'announcements',
      data: { title: 'Referral system near breaking point', summary: 'We ask for action today.', body, urgency: 'urgent', _status: 'published', expiresAt: new Date(Date.now() + 2_000).toISOString() },
    })
    const home = await get('/')
    expect(home.status).toBe(200)
    expect(home.html).toContain(`<section class="urgent-banner" aria-labelledby="urgent-title"><p class="label">Urgent</p><h2 id="urgent-title"><a href="/announcements/${urgent.slug}">Referral system near breaking point</a></h2>`)
    expect(home.html).toContain(`<link rel="alternate" type="application/rss+xml" title="Northfield Food Network: urgent statements (RSS)" href="${SITE}/urgent/feed.xml">`)

    await new Promise((resolve) => setTimeout(resolve, 2_500))
    const later = await get('/')
    expect(later.html).not.toContain('<section class="urgent-banner"')
    expect(later.html).toContain(`<a href="/announcements/${urgent.slug}">Referral system near breaking point</a>`)
    const page = await get(`/announcements/${urgent.slug}`)
    expect(page.html).toContain('it is kept here for the record')
    expect(page.html).not.toContain('<span class="label">Urgent statement</span>')
  })
})

describe('lists', () => {
  it('page the archive twenty at a time, newest first, and keep drafts out', async () => {
    for (let n = 1; n <= 25; n++) await createItem(payload, 'announcements', { status: 'published', title: `Archive item ${String(n).padStart(2, '0')}` })
    await createItem(payload, 'announcements', { status: 'draft', title: 'Archive draft' })
    const first = await get('/archive')
    const titles = (html: string) => [...html.matchAll(/<h2><a href="[^"]+">([^<]+)<\/a><\/h2>/g)].map((match) => match[1])
    expect(titles(first.html)).toHaveLength(20)
    expect(titles(first.html)[0]).toBe('Archive item 25')
    expect(first.html).toContain('<a href="/archive?page=2" rel="next">Older</a>')
    const second = await get('/archive?page=2')
    expect(second.html).toContain('<a href="/archive" rel="prev">Newer</a>')
    expect([...titles(first.html), ...titles(second.html)]).not.toContain('Archive draft')
    expect((await get('/archive?page=nonsense')).status).toBe(200)
  })

  it('show a topic’s items with its own feeds, and 404 for an unknown topic', async () => {
    const item = await payload.create({ collection: 'announcements', data: { title: 'About homes', summary: 's', body, urgency: 'standard', topics: [housing.id], _status: 'published' } })
    await createItem(payload, 'announcements', { status: 'published', title: 'Not about homes' })
    const page = await get('/topics/housing')
    expect(page.status).toBe(200)
    expect(page.html).toContain('<h1>Housing</h1><p class="lead">Homes and rents.</p>')
    expect(page.html).toContain(`<a href="/announcements/${item.slug}">About homes</a>`)
    expect(page.html).not.toContain('Not about homes')
    expect(page.html).toContain(`href="${SITE}/topics/housing/feed.xml"`)
    expect((await get('/topics/nothing-here')).status).toBe(404)
  })
})

describe('the sign-up form', () => {
  it('asks for an address, topics and urgency with labels, and keeps what was typed when it refuses it', async () => {
    const form = await get('/subscribe')
    expect(form.status).toBe(200)
    expect(form.html).toContain('<label for="email">Email address</label>')
    expect(form.html).toContain('<input type="checkbox" name="topics" value="housing"> Housing')
    const refused = await post('/subscribe', 'email=not-an-address&topics=housing&urgentOnly=on')
    expect(refused.status).toBe(400)
    expect(refused.html).toContain('<p id="email-error" role="alert" class="notice error">Enter an email address such as name@example.org.</p>')
    expect(refused.html).toContain('value="not-an-address" aria-invalid="true" aria-describedby="email-error"')
    expect(refused.html).toContain('value="housing" checked')
    expect(refused.html).toContain('name="urgentOnly" checked')
    expect((await payload.count({ collection: 'subscribers' })).totalDocs).toBe(0)
  })

  it('signs a person up without JavaScript and sends them one confirmation link', async () => {
    const done = await post('/subscribe', 'email=Reader%40Example.net&topics=housing')
    expect(done.status).toBe(202)
    expect(done.html).toContain('<h1>Check your inbox</h1>')
    const subscriber = (await payload.find({ collection: 'subscribers', where: { email: { equals: 'reader@example.net' } }, depth: 0 })).docs[0]
    expect(subscriber).toMatchObject({ status: 'pending', topics: [housing.id], urgentOnly: false, consent: { source: 'site-form' } })
    expect(sink.messages.filter((message) => message.to === 'reader@example.net').map((message) => message.subject)).toEqual(['Confirm your alerts from Northfield Food Network'])
  })
})
