import { parseRssFeed } from 'feedsmith'
import { describe, expect, it } from 'vitest'

import { type Feed, xmlSafe } from '../../src/channels/feeds/feed'
import { renderFeed } from '../../src/channels/feeds/render/render'
import { htmlElements, htmlText, parseFeed } from '../helpers/feeds'

const tricky = `Fish & chips <b>not bold</b> ]]> "double" 'single' 🚨 مرحبا بالعالم &amp; &lt;script&gt;`

const feed = (overrides: Partial<Feed> = {}): Feed => ({
  scope: 'all',
  title: tricky,
  description: 'Statements & reports',
  siteUrl: 'https://example.org',
  path: '',
  author: 'Food & Shelter Trust',
  ttlMinutes: 5,
  hubUrl: 'https://hub.example.net/?a=1&b=2',
  entries: [
    {
      key: 'reports:2',
      guid: 'urn:uuid:4b7a1f4e-8d1e-5c1b-9a4b-1c2d3e4f5a6b',
      title: tricky,
      url: 'https://example.org/reports/r?x=1&y=2',
      summary: tricky,
      contentHtml: '<p>Fish &amp; chips &lt;script&gt;alert(1)&lt;/script&gt; ]]&gt; 🚨 مرحبا</p>',
      categories: ['Housing & homes', 'Food <poverty>'],
      author: 'Food & Shelter Trust',
      published: '2026-11-01T10:00:05.000Z',
      updated: '2026-11-02T11:30:00.000Z',
      enclosure: { url: 'https://example.org/api/documents/file/r.pdf', length: 123456, type: 'application/pdf', title: 'The report & annex' },
    },
    {
      key: 'announcements:1',
      guid: 'urn:uuid:00000000-0000-4000-8000-000000000001',
      title: 'Second',
      url: 'https://example.org/announcements/second',
      summary: 'Plain.',
      contentHtml: '<p>Plain.</p>',
      categories: [],
      author: 'Food & Shelter Trust',
      published: '2026-10-01T10:00:00.000Z',
      updated: '2026-10-01T10:00:00.000Z',
    },
  ],
  ...overrides,
})

const PATHS = { rss: '/feed.xml', atom: '/feed.atom', json: '/feed.json' } as const

describe('the three formats', () => {
  const rendered = renderFeed(feed(), new Date('2026-11-03T00:00:00Z'))

  for (const format of ['rss', 'atom', 'json'] as const) {
    it(`${format}: parses back to exactly what went in`, () => {
      const parsed = parseFeed(PATHS[format], rendered[format])
      expect(parsed.title).toBe(tricky)
      expect(parsed.selfUrl).toBe(`https://example.org${PATHS[format]}`)
      expect(parsed.hubUrl).toBe('https://hub.example.net/?a=1&b=2')
      expect(parsed.items.map((item) => item.id)).toEqual(['urn:uuid:4b7a1f4e-8d1e-5c1b-9a4b-1c2d3e4f5a6b', 'urn:uuid:00000000-0000-4000-8000-000000000001'])
      const [first] = parsed.items
      expect(first).toMatchObject({
        title: tricky,
        url: 'https://example.org/reports/r?x=1&y=2',
        summary: tricky,
        html: '<p>Fish &amp; chips &lt;script&gt;alert(1)&lt;/script&gt; ]]&gt; 🚨 مرحبا</p>',
        categories: ['Housing & homes', 'Food <poverty>'],
        published: '2026-11-01T10:00:05.000Z',
        updated: '2026-11-02T11:30:00.000Z',
        enclosure: { url: 'https://example.org/api/documents/file/r.pdf', length: 123456, type: 'application/pdf' },
      })
      expect(parsed.items[1]!.enclosure).toBeUndefined()
    })
  }

  it('rss: carries the summary as escaped HTML, which a reader shows as the text typed, with no element', () => {
    const descriptions = parseRssFeed(rendered.rss).items!.map((item) => item.description!)
    expect(descriptions.map(htmlElements)).toEqual([[], []])
    expect(descriptions.map(htmlText)).toEqual([tricky, 'Plain.'])
  })

  it('rss: declares a ttl, and the atom namespace for self, hub and updated', () => {
    expect(rendered.rss).toContain('<ttl>5</ttl>')
    expect(rendered.rss).toContain('xmlns:atom="http://www.w3.org/2005/Atom"')
    expect(rendered.rss).toContain('<guid isPermaLink="false">urn:uuid:4b7a1f4e-8d1e-5c1b-9a4b-1c2d3e4f5a6b</guid>')
  })

  it('json: is JSON Feed 1.1 with attachments and a WebSub hub', () => {
    const json = JSON.parse(rendered.json)
    expect(json.version).toBe('https://jsonfeed.org/version/1.1')
    expect(json.hubs).toEqual([{ type: 'WebSub', url: 'https://hub.example.net/?a=1&b=2' }])
    expect(json.items[0].attachments).toEqual([{ url: 'https://example.org/api/documents/file/r.pdf', mime_type: 'application/pdf', size_in_bytes: 123456, title: 'The report & annex' }])
  })

  it('leave out the hub when none is configured', () => {
    const plain = renderFeed(feed({ hubUrl: undefined }), new Date())
    expect(plain.rss).not.toContain('rel="hub"')
    expect(plain.atom).not.toContain('rel="hub"')
    expect(JSON.parse(plain.json).hubs).toBeUndefined()
  })

  it('render an empty feed validly', () => {
    const empty = renderFeed(feed({ entries: [] }), new Date(0))
    for (const format of ['rss', 'atom', 'json'] as const) expect(parseFeed(PATHS[format], empty[format]).items).toEqual([])
  })
})

describe('xmlSafe', () => {
  it('drops characters no XML document may hold, and keeps everything else', () => {
    expect(xmlSafe('a\u0000b\u0008c\u000Bd\u001Fe\uFFFEf\uD800g')).toBe('abcdefg')
    expect(xmlSafe('tab\tnewline\ncr\r 🚨 مرحبا')).toBe('tab\tnewline\ncr\r 🚨 مرحبا')
  })
})
