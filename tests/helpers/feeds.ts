import { parseAtomFeed, parseJsonFeed, parseRssFeed } from 'feedsmith'
import { XMLValidator } from 'fast-xml-parser'
import { DomUtils, parseDocument } from 'htmlparser2'
import type { Payload } from 'payload'
import { expect } from 'vitest'

import { waitFor } from './log-file'

type Route = (request: Request, context: { params: Promise<{ slug: string }> }) => Promise<Response>

/** The app's own feed route modules, loaded on first use (after startTestPayload set the environment). */
const routes: Record<string, () => Promise<{ GET: Route }>> = {
  'feed.xml': () => import('@/app/(site)/feed.xml/route') as Promise<{ GET: Route }>,
  'feed.atom': () => import('@/app/(site)/feed.atom/route') as Promise<{ GET: Route }>,
  'feed.json': () => import('@/app/(site)/feed.json/route') as Promise<{ GET: Route }>,
  'urgent/feed.xml': () => import('@/app/(site)/urgent/feed.xml/route') as Promise<{ GET: Route }>,
  'urgent/feed.atom': () => import('@/app/(site)/urgent/feed.atom/route') as Promise<{ GET: Route }>,
  'urgent/feed.json': () => import('@/app/(site)/urgent/feed.json/route') as Promise<{ GET: Route }>,
  'topics/feed.xml': () => import('@/app/(site)/topics/[slug]/feed.xml/route') as Promise<{ GET: Route }>,
  'topics/feed.atom': () => import('@/app/(site)/topics/[slug]/feed.atom/route') as Promise<{ GET: Route }>,
  'topics/feed.json': () => import('@/app/(site)/topics/[slug]/feed.json/route') as Promise<{ GET: Route }>,
}

export type FeedResponse = { status: number; headers: Headers; text: string }

/** GET a feed path ("/feed.xml", "/topics/housing/feed.json") through the app's route handler. */
export async function getFeed(path: string, headers: Record<string, string> = {}): Promise<FeedResponse> {
  const topic = /^\/topics\/([^/]+)\/(feed\.\w+)$/.exec(path)
  const key = topic ? `topics/${topic[2]}` : path.slice(1)
  const load = routes[key]
  if (!load) throw new Error(`No feed route for ${path}`)
  const { GET } = await load()
  const response = await GET(new Request(new URL(path, 'http://localhost:3000'), { headers }), {
    params: Promise.resolve({ slug: topic ? decodeURIComponent(topic[1]!) : '' }),
  })
  return { status: response.status, headers: response.headers, text: await response.text() }
}

/** What a parser found in an item: fields it could not find are undefined, for the test to catch. */
export type ParsedItem = {
  id?: string
  title: string
  url: string
  summary: string
  html: string
  categories: (string | undefined)[]
  published: string
  updated: string
  enclosure?: { url?: string; length: number; type?: string }
}
export type ParsedFeed = { title: string; selfUrl?: string; hubUrl?: string; items: ParsedItem[] }

/** The text a reader sees in an HTML fragment, parsed by htmlparser2 (entities decoded, elements dropped). */
export const htmlText = (html: string): string => DomUtils.textContent(parseDocument(html, { decodeEntities: true }))

/** The elements in an HTML fragment, by name: what a reader's HTML renderer would build. */
export const htmlElements = (html: string): string[] => DomUtils.findAll(() => true, parseDocument(html).children).map((element) => element.name)

const iso = (date: string | undefined) => (date ? new Date(date).toISOString() : '')

/**
 * Parses a feed with feedsmith, an independent maintained parser, after checking that XML feeds are
 * well-formed (a lenient parser would forgive a stray "&" that breaks strict aggregators).
 */
export function parseFeed(path: string, text: string): ParsedFeed {
  if (path.endsWith('.json')) {
    const feed = parseJsonFeed(JSON.parse(text))
    return {
      title: feed.title ?? '',
      selfUrl: feed.feed_url,
      hubUrl: (JSON.parse(text) as { hubs?: { url: string }[] }).hubs?.[0]?.url,
      items: (feed.items ?? []).map((item) => ({
        id: item.id ?? '',
        title: item.title ?? '',
        url: item.url ?? '',
        summary: item.summary ?? '',
        html: item.content_html ?? '',
        categories: item.tags ?? [],
        published: iso(item.date_published as string),
        updated: iso(item.date_modified as string),
        ...(item.attachments?.[0]
          ? { enclosure: { url: item.attachments[0].url, length: item.attachments[0].size_in_bytes ?? -1, type: item.attachments[0].mime_type } }
          : {}),
      })),
    }
  }
  const valid = XMLValidator.validate(text)
  expect(valid, `${path} is well-formed XML`).toBe(true)
  if (path.endsWith('.atom')) {
    const feed = parseAtomFeed(text)
    return {
      title: feed.title?.value ?? '',
      selfUrl: feed.links?.find((link) => link.rel === 'self')?.href,
      hubUrl: feed.links?.find((link) => link.rel === 'hub')?.href,
      items: (feed.entries ?? []).map((entry) => {
        const enclosure = entry.links?.find((link) => link.rel === 'enclosure')
        return {
          id: entry.id,
          title: entry.title?.value ?? '',
          url: entry.links?.find((link) => link.rel === 'alternate')?.href ?? '',
          summary: entry.summary?.value ?? '',
          html: entry.content?.value ?? '',
          categories: (entry.categories ?? []).map((category) => category.term),
          published: iso(entry.published as string),
          updated: iso(entry.updated as string),
          ...(enclosure ? { enclosure: { url: enclosure.href, length: enclosure.length ?? -1, type: enclosure.type ?? '' } } : {}),
        }
      }),
    }
  }
  const feed = parseRssFeed(text)
  return {
    title: feed.title ?? '',
    selfUrl: feed.atom?.links?.find((link) => link.rel === 'self')?.href,
    hubUrl: feed.atom?.links?.find((link) => link.rel === 'hub')?.href,
    items: (feed.items ?? []).map((item) => ({
      id: item.guid?.value ?? '',
      title: item.title ?? '',
      url: item.link ?? '',
      // RSS descriptions are HTML: a reader shows their text.
      summary: htmlText(item.description ?? ''),
      html: item.content?.encoded ?? '',
      categories: (item.categories ?? []).map((category) => category.name),
      published: iso(item.pubDate as string),
      updated: iso(item.atom?.updated as string),
      ...(item.enclosures?.[0] ? { enclosure: { url: item.enclosures[0].url, length: item.enclosures[0].length ?? -1, type: item.enclosures[0].type ?? '' } } : {}),
    })),
  }
}

/** Fetches and parses a feed, expecting 200. */
export async function readFeed(path: string): Promise<ParsedFeed> {
  const response = await getFeed(path)
  expect(response.status, `${path}: ${response.text.slice(0, 200)}`).toBe(200)
  return parseFeed(path, response.text)
}

/** Waits until every outbox event of the item has been through every channel. */
export async function waitForItemDelivered(payload: Payload, collection: 'announcements' | 'reports', itemId: number | string, events = 1): Promise<void> {
  await waitFor(
    async () => {
      const { docs } = await payload.find({
        collection: 'outbox-events',
        where: { collection: { equals: collection }, itemId: { equals: String(itemId) } },
        depth: 0,
        pagination: false,
      })
      return docs.length >= events && docs.every((event) => event.completedAt)
    },
    20_000,
    `${collection} ${itemId}: ${events} event(s) delivered`,
  )
}
