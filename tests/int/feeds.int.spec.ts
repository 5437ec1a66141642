/** The feeds channel end to end: publish → outbox → relay → feed rebuild → stored bytes → the public routes. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { parseDocument } from 'htmlparser2'
import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { Announcement, Topic } from '@/payload-types'

import { FeedChannel } from '../../src/channels/feeds/feed-channel'
import { getEnv } from '../../src/lib/env'
import { startFakeWebSubHub, type FakeWebSubHub } from '../fakes/websub-hub'
import { getFeed, parseFeed, readFeed, waitForItemDelivered } from '../helpers/feeds'
import { pdfFile } from '../helpers/files'
import { waitFor } from '../helpers/log-file'
import { startTestPipeline, type TestPipeline } from '../helpers/pipeline'
import { keyWithinEvent } from '../helpers/unit-keys'

const SITE = 'https://news.example.org'
const FEED_ITEMS = 8
const FORMATS = ['feed.xml', 'feed.atom', 'feed.json'] as const

let ctx: TestPipeline
let payload: Payload
let hub: FakeWebSubHub
let feedsDir: string

beforeAll(async () => {
  hub = await startFakeWebSubHub()
  feedsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'feeds-dir-'))
  ctx = await startTestPipeline({
    DELIVERY_CHANNELS: 'feeds',
    PUBLIC_URL: SITE,
    WEBSUB_HUB_URL: hub.url,
    FEED_ITEMS: String(FEED_ITEMS),
    FEEDS_DIR: feedsDir,
    EXPIRY_SWEEP_MS: '1000',
  })
  payload = ctx.payload
})
afterAll(async () => {
  await ctx?.stop()
  await hub?.close()
  fs.rmSync(feedsDir, { recursive: true, force: true })
})

// Lexical's stored JSON, written the way the editor writes it.
const text = (value: string) => ({ type: 'text', text: value, format: 0, detail: 0, mode: 'normal', style: '', version: 1 })
const paragraph = (...children: object[]) => ({ type: 'paragraph', children, direction: 'ltr', format: '', indent: 0, version: 1, textFormat: 0 })
const link = (url: string, label: string) => ({
  type: 'link',
  fields: { url, linkType: 'custom', newTab: false },
  children: [text(label)],
  direction: 'ltr',
  format: '',
  indent: 0,
  version: 3,
})
const richText = (...children: object[]) =>
  ({ root: { type: 'root', children, direction: 'ltr', format: '', indent: 0, version: 1 } }) as unknown as Announcement['body']

let counter = 0
async function publishAnnouncement(data: Partial<Announcement> = {}): Promise<Announcement> {
  const item = await payload.create({
    collection: 'announcements',
    data: {
      title: `Feed statement ${++counter}`,
      summary: 'A short summary.',
      body: richText(paragraph(text('The body of the statement.'))),
      urgency: 'standard',
      _status: 'published',
      ...data,
    },
  })
  await waitForItemDelivered(payload, 'announcements', item.id)
  return item
}

const eventsOf = async (collection: 'announcements' | 'reports', id: number) =>
  (await payload.find({ collection: 'outbox-events', where: { collection: { equals: collection }, itemId: { equals: String(id) } }, depth: 0, pagination: false })).docs.length

/** Saves a change and waits until the event it makes has been delivered. */
async function change(id: number, data: Partial<Announcement>) {
  const before = await eventsOf('announcements', id)
  const updated = await payload.update({ collection: 'announcements', id, data })
  await waitForItemDelivered(payload, 'announcements', id, before + 1)
  return updated
}

const feedRow = async (scope: string) =>
  (await payload.find({ collection: 'feeds', where: { scope: { equals: scope } }, depth: 0, limit: 1 })).docs[0]

/** RSS dates (RFC 822) have whole seconds. */
const toSecond = (date: string) => new Date(date).toISOString().slice(0, 19)

const guidsIn = async (feedPath: string) => (await readFeed(feedPath)).items.map((item) => item.id)

let topic: Topic
beforeAll(async () => {
  topic = await payload.create({ collection: 'topics', data: { name: 'Housing & homes', description: 'Where people live.' } })
})

describe('before anything is published', () => {
  it('serves valid empty feeds, and a 404 with a reason for a topic that does not exist', async () => {
    for (const format of FORMATS) {
      expect((await readFeed(`/${format}`)).items).toEqual([])
      expect((await readFeed(`/urgent/${format}`)).items).toEqual([])
      expect((await readFeed(`/topics/${topic.slug}/${format}`)).items).toEqual([])
    }
    const missing = await getFeed('/topics/no-such-topic/feed.xml')
    expect(missing.status).toBe(404)
    expect(missing.text).toMatch(/no feed at this address/)
  })
})

describe('an announcement', () => {
  const tricky = `Fish & chips <b>not bold</b> ]]> "quoted" 'single' 🚨 مرحبا بالعالم`
  let item: Announcement

  beforeAll(async () => {
    item = await publishAnnouncement({
      title: tricky,
      summary: `Summary: ${tricky}`,
      urgency: 'urgent',
      topics: [topic.id],
      body: richText(
        paragraph(text(`Body: ${tricky}`)),
        paragraph(text('<script>alert("text")</script> <img src=x onerror=alert(1)>')),
        paragraph(link('https://example.org/ok?a=1&b=2', 'a safe link'), text(' and '), link('/reports/relative', 'a relative link')),
      ),
    })
  })

  it('appears with every field, escaped exactly, in all three formats and all its feeds', async () => {
    for (const feedPath of ['', '/urgent', `/topics/${topic.slug}`]) {
      for (const format of FORMATS) {
        const feed = await readFeed(`${feedPath}/${format}`)
        const entry = feed.items.find((candidate) => candidate.id === item.feedGuid)
        expect(entry, `${feedPath}/${format}`).toBeDefined()
        expect(entry).toMatchObject({
          title: tricky,
          url: `${SITE}/announcements/${item.slug}`,
          summary: `Summary: ${tricky}`,
          categories: ['Housing & homes'],
          updated: new Date(item.updatedAt).toISOString(),
        })
        expect(toSecond(entry!.published)).toBe(toSecond(item.publishedAt!))
        expect(entry!.html).toContain('Body: Fish &amp; chips &lt;b&gt;not bold&lt;/b&gt; ]]&gt;')
        expect(entry!.html).toContain('🚨 مرحبا بالعالم')
        expect(entry!.html).toContain('href="https://example.org/ok?a=1&amp;b=2"')
        expect(entry!.html).toContain(`href="${SITE}/reports/relative"`)
        expect(feed.selfUrl).toBe(`${SITE}${feedPath}/${format}`)
        expect(feed.hubUrl).toBe(hub.url)
      }
    }
    expect(item.feedGuid).toMatch(/^urn:uuid:[0-9a-f-]{36}$/)
  })

  it('carries no script, event handler or javascript: link in any feed', async () => {
    const hostile = await publishAnnouncement({
      body: richText(paragraph(link('javascript:alert(document.cookie)', 'click me'), text(' and '), link('https://example.org/fine', 'fine'))),
    }).catch(async () => {
      // Payload refuses a javascript: link on save; store it the way an import or an old row could hold it.
      const saved = await publishAnnouncement({ body: richText(paragraph(text('placeholder'))) })
      await payload.db.updateOne({
        collection: 'announcements',
        id: saved.id,
        data: { body: richText(paragraph(link('javascript:alert(document.cookie)', 'click me'), text(' and '), link('https://example.org/fine', 'fine'))) },
      })
      return change(saved.id, { summary: 'Touched so the feeds rebuild.' })
    })
    for (const feedPath of ['', '/urgent', `/topics/${topic.slug}`]) {
      for (const format of FORMATS) {
        for (const entry of (await readFeed(`${feedPath}/${format}`)).items) {
          const elements: { name: string; attribs: Record<string, string> }[] = []
          const walk = (node: { type?: string; name?: string; attribs?: Record<string, string>; children?: unknown[] }) => {
            if (node.type === 'tag' || node.type === 'script' || node.type === 'style') elements.push({ name: node.name!, attribs: node.attribs ?? {} })
            for (const child of node.children ?? []) walk(child as typeof node)
          }
          walk(parseDocument(entry.html) as unknown as Parameters<typeof walk>[0])
          expect(elements.map((element) => element.name)).not.toContain('script')
          expect(elements.map((element) => element.name)).not.toContain('img')
          for (const element of elements) {
            expect(Object.keys(element.attribs).filter((name) => name.startsWith('on'))).toEqual([])
            for (const value of Object.values(element.attribs)) expect(value).not.toMatch(/^\s*javascript:/i)
          }
        }
      }
    }
    const entry = (await readFeed('/feed.json')).items.find((candidate) => candidate.id === hostile.feedGuid)
    expect(entry?.html).toContain('href="https://example.org/fine"')
    expect(entry?.html).toContain('click me')
  })
})

describe('a report', () => {
  it('carries its PDF as an enclosure with its exact length and type', async () => {
    const pdf = pdfFile('annual-report.pdf')
    const file = await payload.create({ collection: 'documents', data: { title: 'The annual report (PDF)' }, file: pdf })
    const report = await payload.create({
      collection: 'reports',
      data: { title: 'Annual report', summary: 'The numbers.', body: richText(paragraph(text('Findings.'))), reportFile: file.id, _status: 'published' },
    })
    await waitForItemDelivered(payload, 'reports', report.id)
    for (const format of FORMATS) {
      const entry = (await readFeed(`/${format}`)).items.find((candidate) => candidate.id === report.feedGuid)
      expect(entry?.enclosure, format).toEqual({ url: new URL(file.url!, SITE).toString(), length: pdf.size, type: 'application/pdf' })
      expect(entry?.enclosure?.url).toMatch(new RegExp(`^${SITE}/`))
      expect(entry?.url).toBe(`${SITE}/reports/${report.slug}`)
    }
    expect((await readFeed('/urgent/feed.json')).items.map((item) => item.id)).not.toContain(report.feedGuid)
  })
})

describe('guids', () => {
  it('survive an edit, a slug change and a change of the base URL', async () => {
    const item = await publishAnnouncement({ title: 'Guid: original title' })
    const guid = item.feedGuid
    expect(await guidsIn('/feed.xml')).toContain(guid)

    await change(item.id, { title: 'Guid: corrected title', body: richText(paragraph(text('Corrected body.'))) })
    const corrected = (await readFeed('/feed.xml')).items.find((candidate) => candidate.title === 'Guid: corrected title')
    expect(corrected?.id).toBe(guid)
    expect(new Date(corrected!.updated).getTime()).toBeGreaterThan(new Date(item.updatedAt).getTime())
    expect(toSecond(corrected!.published)).toBe(toSecond(item.publishedAt!))

    // Slugs are frozen once published; a data repair can still change one directly in the database.
    await payload.db.updateOne({ collection: 'announcements', id: item.id, data: { slug: 'guid-repaired-slug' } })
    await payload.updateGlobal({ slug: 'site', data: { publicUrl: 'https://moved.example.net' } })
    try {
      await publishAnnouncement({ title: 'Guid: a later statement that rebuilds the feeds' })
      for (const format of FORMATS) {
        const entry = (await readFeed(`/${format}`)).items.find((candidate) => candidate.title === 'Guid: corrected title')
        expect(entry?.id, format).toBe(guid)
        expect(entry?.url).toBe('https://moved.example.net/announcements/guid-repaired-slug')
      }
      const fresh = await payload.findByID({ collection: 'announcements', id: item.id })
      expect(fresh.feedGuid).toBe(guid)
    } finally {
      await payload.updateGlobal({ slug: 'site', data: { publicUrl: null } })
      await publishAnnouncement({ title: 'Guid: back on the first address' })
    }
  })

  it('cannot be set or changed through the API', async () => {
    const item = await publishAnnouncement({ feedGuid: 'urn:uuid:00000000-0000-0000-0000-000000000000' })
    expect(item.feedGuid).not.toBe('urn:uuid:00000000-0000-0000-0000-000000000000')
    const changed = await change(item.id, { feedGuid: 'urn:uuid:11111111-1111-1111-1111-111111111111' })
    expect(changed.feedGuid).toBe(item.feedGuid)
  })
})

describe('what never appears', () => {
  it('a draft, including a draft saved over a published item', async () => {
    const draft = await payload.create({
      collection: 'announcements',
      draft: true,
      data: { title: 'Never: a draft', summary: 's', body: richText(paragraph(text('Draft.'))), urgency: 'urgent', topics: [topic.id], _status: 'draft' },
    })
    const live = await publishAnnouncement({ title: 'Never: the live title', topics: [topic.id] })
    await payload.update({ collection: 'announcements', id: live.id, draft: true, data: { title: 'Never: a draft title over a live item' } })
    await publishAnnouncement() // a later event that rebuilds every main feed
    for (const feedPath of ['', '/urgent', `/topics/${topic.slug}`]) {
      for (const format of FORMATS) {
        const response = await getFeed(`${feedPath}/${format}`)
        expect(response.text).not.toContain('Never: a draft')
      }
    }
    expect(draft.feedGuid ?? '').toBe('')
    expect((await readFeed('/feed.xml')).items.map((item) => item.title)).toContain('Never: the live title')
  })

  it('a retracted item, from every feed that held it', async () => {
    const item = await publishAnnouncement({ title: 'Never: retracted later', urgency: 'urgent', topics: [topic.id] })
    for (const feedPath of ['', '/urgent', `/topics/${topic.slug}`]) expect(await guidsIn(`${feedPath}/feed.atom`)).toContain(item.feedGuid)
    await change(item.id, { _status: 'draft' })
    for (const feedPath of ['', '/urgent', `/topics/${topic.slug}`]) {
      for (const format of FORMATS) expect(await guidsIn(`${feedPath}/${format}`)).not.toContain(item.feedGuid)
    }
  })

  it('an expired item, once its expiry passes', async () => {
    const item = await publishAnnouncement({ title: 'Never: expires soon', urgency: 'urgent', expiresAt: new Date(Date.now() + 3_000).toISOString() })
    expect(await guidsIn('/urgent/feed.xml')).toContain(item.feedGuid)
    await waitForItemDelivered(payload, 'announcements', item.id, 2) // the expiry sweep's event
    for (const feedPath of ['', '/urgent']) {
      for (const format of FORMATS) expect(await guidsIn(`${feedPath}/${format}`)).not.toContain(item.feedGuid)
    }
  })

  it('an announcement kept off the feeds channel, or taken off it later', async () => {
    const off = await publishAnnouncement({ title: 'Never: off the feeds', channels: { feed: false, email: true, social: true } })
    expect(await guidsIn('/feed.xml')).not.toContain(off.feedGuid)
    const later = await publishAnnouncement({ title: 'Never: taken off later', topics: [topic.id] })
    expect(await guidsIn(`/topics/${topic.slug}/feed.xml`)).toContain(later.feedGuid)
    await change(later.id, { channels: { feed: false, email: true, social: true } })
    expect(await guidsIn('/feed.xml')).not.toContain(later.feedGuid)
    expect(await guidsIn(`/topics/${topic.slug}/feed.xml`)).not.toContain(later.feedGuid)
  })

  it('an item in the feed of a topic it no longer has', async () => {
    const item = await publishAnnouncement({ title: 'Never: moved topic', topics: [topic.id] })
    expect(await guidsIn(`/topics/${topic.slug}/feed.json`)).toContain(item.feedGuid)
    await change(item.id, { topics: [] })
    expect(await guidsIn(`/topics/${topic.slug}/feed.json`)).not.toContain(item.feedGuid)
    expect(await guidsIn('/feed.json')).toContain(item.feedGuid)
  })
})

describe('order and size', () => {
  it(`lists the newest ${FEED_ITEMS} items, newest first, in every format`, async () => {
    const titles: string[] = []
    for (let n = 0; n < FEED_ITEMS + 2; n++) titles.push((await publishAnnouncement({ title: `Order ${n}` })).title)
    const newestFirst = titles.reverse().slice(0, FEED_ITEMS)
    for (const format of FORMATS) {
      const feed = await readFeed(`/${format}`)
      expect(feed.items.map((item) => item.title)).toEqual(newestFirst)
      const published = feed.items.map((item) => item.published)
      expect([...published].sort().reverse()).toEqual(published)
    }
  })
})

describe('HTTP', () => {
  it('answers a matching If-None-Match or If-Modified-Since with 304, and gives a new ETag after a publish', async () => {
    const first = await getFeed('/feed.xml')
    expect(first.status).toBe(200)
    expect(first.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8')
    expect(first.headers.get('cache-control')).toBe('public, max-age=60')
    const etag = first.headers.get('etag')!
    const lastModified = first.headers.get('last-modified')!
    expect(etag).toMatch(/^"[\w-]+-rss"$/)

    const revalidated = await getFeed('/feed.xml', { 'if-none-match': etag })
    expect(revalidated.status).toBe(304)
    expect(revalidated.text).toBe('')
    expect(revalidated.headers.get('etag')).toBe(etag)
    expect((await getFeed('/feed.xml', { 'if-none-match': `W/${etag}, "other"` })).status).toBe(304)
    expect((await getFeed('/feed.xml', { 'if-modified-since': lastModified })).status).toBe(304)
    expect((await getFeed('/feed.xml', { 'if-none-match': '"stale"', 'if-modified-since': lastModified })).status).toBe(200)
    expect((await getFeed('/feed.atom')).headers.get('content-type')).toBe('application/atom+xml; charset=utf-8')
    expect((await getFeed('/feed.json')).headers.get('content-type')).toBe('application/feed+json; charset=utf-8')

    await publishAnnouncement({ title: 'HTTP: a new statement' })
    const after = await getFeed('/feed.xml', { 'if-none-match': etag })
    expect(after.status).toBe(200)
    expect(after.headers.get('etag')).not.toBe(etag)
    expect(parseFeed('/feed.xml', after.text).items[0]?.title).toBe('HTTP: a new statement')
  })

  it('keeps the ETag and Last-Modified of feeds an event did not change', async () => {
    const urgent = await getFeed('/urgent/feed.xml')
    await publishAnnouncement({ title: 'HTTP: a standard statement' })
    const again = await getFeed('/urgent/feed.xml', { 'if-none-match': urgent.headers.get('etag')! })
    expect(again.status).toBe(304)
    expect(again.headers.get('last-modified')).toBe(urgent.headers.get('last-modified'))
  })
})

describe('WebSub', () => {
  const pingsFor = (url: string) => hub.pings.filter((ping) => ping.url === url).length
  const counts = () => Object.fromEntries(['', '/urgent', `/topics/${topic.slug}`].flatMap((feedPath) => FORMATS.map((format) => [`${feedPath}/${format}`, pingsFor(`${SITE}${feedPath}/${format}`)])))

  it('gets exactly one ping per changed feed and format for each rebuild, as ledger units', async () => {
    let before = counts()
    const standard = await publishAnnouncement({ title: 'Hub: standard, no topic' })
    await waitFor(async () => hub.pings.length >= Object.values(before).reduce((a, b) => a + b, 0) + 3, 10_000, 'three pings')
    const afterStandard = counts()
    for (const format of FORMATS) expect(afterStandard[`/${format}`]).toBe(before[`/${format}`]! + 1)
    for (const format of FORMATS) expect(afterStandard[`/urgent/${format}`]).toBe(before[`/urgent/${format}`])
    for (const format of FORMATS) expect(afterStandard[`/topics/${topic.slug}/${format}`]).toBe(before[`/topics/${topic.slug}/${format}`])

    const ledger = await payload.find({ collection: 'deliveries', where: { itemId: { equals: String(standard.id) }, channel: { equals: 'feeds' } }, depth: 0, pagination: false })
    expect(ledger.docs.map((row) => keyWithinEvent(row.unitKey, 'feeds')).sort()).toEqual(
      ['ping-all-atom-g', 'ping-all-json-g', 'ping-all-rss-g', 'rebuild'].map((key) => expect.stringContaining(key)),
    )
    expect(ledger.docs.every((row) => row.state === 'sent')).toBe(true)

    before = counts()
    await publishAnnouncement({ title: 'Hub: urgent, with a topic', urgency: 'urgent', topics: [topic.id] })
    await waitFor(async () => Object.values(counts()).reduce((a, b) => a + b, 0) >= Object.values(before).reduce((a, b) => a + b, 0) + 9, 10_000, 'nine pings')
    const afterUrgent = counts()
    for (const key of Object.keys(before)) expect(afterUrgent[key], key).toBe(before[key]! + 1)
  })

  it('retries a ping the hub refused with a 5xx, and still delivers it once', async () => {
    const before = pingsFor(`${SITE}/feed.json`)
    hub.failNext(2, 503)
    const item = await publishAnnouncement({ title: 'Hub: retried' })
    const rows = await payload.find({ collection: 'deliveries', where: { itemId: { equals: String(item.id) }, unitKey: { like: 'ping-all' } }, depth: 0, pagination: false })
    expect(rows.docs).toHaveLength(3)
    expect(rows.docs.every((row) => row.state === 'sent')).toBe(true)
    expect(rows.docs.reduce((sum, row) => sum + row.attempts, 0)).toBe(5)
    expect(pingsFor(`${SITE}/feed.json`)).toBe(before + 1)
  })
})

describe('a burst of events', () => {
  it('coalesces rebuilds of one feed, and still pings once per rebuild', async () => {
    const generationBefore = Number((await feedRow('all'))!.generation)
    const pingsBefore = hub.pings.filter((ping) => ping.url === `${SITE}/feed.xml`).length
    const burst = 12
    const items = await Promise.all(
      Array.from({ length: burst }, (_, n) =>
        payload.create({ collection: 'announcements', data: { title: `Burst ${n}`, summary: 's', body: richText(paragraph(text('b'))), urgency: 'standard', _status: 'published' } }),
      ),
    )
    for (const item of items) await waitForItemDelivered(payload, 'announcements', item.id)
    const rebuilds = Number((await feedRow('all'))!.generation) - generationBefore
    expect(rebuilds).toBeGreaterThan(0)
    expect(rebuilds).toBeLessThan(burst)
    await waitFor(async () => hub.pings.filter((ping) => ping.url === `${SITE}/feed.xml`).length - pingsBefore === rebuilds || undefined, 10_000, 'one ping per rebuild')
    // More items than the feed holds arrived at once: the feed ends up with the newest of them.
    const titles = (await readFeed('/feed.xml')).items.map((item) => item.title)
    expect(titles).toHaveLength(FEED_ITEMS)
    expect(titles.every((title) => title.startsWith('Burst '))).toBe(true)
  })
})

describe('FEEDS_DIR', () => {
  it('is written again when a worker died between storing a feed and writing its files: the reconcile sweep repairs and reports it', async () => {
    // What such a worker leaves: the database has the new feed, the files and their stamp the old one.
    const file = path.join(feedsDir, 'feed.xml')
    fs.writeFileSync(file, '<rss version="2.0"><channel><title>stale</title></channel></rss>')
    fs.writeFileSync(path.join(feedsDir, '.feed-etag'), 'an-older-etag')
    const channel = new FeedChannel(payload, getEnv())
    expect((await channel.reconcile()).repaired).toEqual(['all (files)'])
    expect(fs.readFileSync(file, 'utf8')).toBe((await getFeed('/feed.xml')).text)
    expect((await channel.reconcile()).repaired).toEqual([])
  })


  it('holds the same bytes the app serves, at the same paths', async () => {
    for (const feedPath of ['', '/urgent', `/topics/${topic.slug}`]) {
      for (const format of FORMATS) {
        const served = await getFeed(`${feedPath}/${format}`)
        expect(fs.readFileSync(path.join(feedsDir, feedPath, format), 'utf8'), `${feedPath}/${format}`).toBe(served.text)
      }
    }
  })
})
