import { LRUCache } from 'lru-cache'
import type { Payload, Where } from 'payload'

import type { Feed, FeedEntry } from '@/channels/feeds/feed'
import { xmlSafe } from '@/channels/feeds/feed'
import { itemUrl } from '@/domain/item-url'
import { type FeedScope, entryKey, scopeDescription, scopeKey, scopePath, scopeTitle } from '@/channels/feeds/scopes'
import type { PublishableCollection } from '@/domain/events'
import { itemGuid } from '@/domain/item-guid'

import { bodyHtml } from '@/site/body-html'

export type FeedSettings = {
  siteUrl: string
  organisation: string
  itemCount: number
  ttlMinutes: number
  hubUrl?: string
}

type Populated<T> = T | number | string | null | undefined
type TopicDoc = { name?: string }
type DocumentDoc = { url?: string | null; filesize?: number | null; mimeType?: string | null; title?: string }

type Row = {
  id: number | string
  title: string
  slug?: string | null
  summary: string
  body: unknown
  topics?: Populated<TopicDoc>[] | null
  reportFile?: Populated<DocumentDoc>
  publishedAt?: string | null
  createdAt: string
  updatedAt: string
  feedGuid?: string | null
  supersedes?: Populated<{ id: number; slug?: string | null; feedGuid?: string | null; publishedAt?: string | null; createdAt: string }>
  supersession?: 'update' | 'cancel' | null
  expiresAt?: string | null
}

const published: Where = { _status: { equals: 'published' } }

/**
 * What may appear in a feed: published, and for announcements also meant for feeds and not expired.
 * Drafts never match: the query reads the live rows only (draft: false).
 */
function criteria(collection: PublishableCollection, scope: FeedScope, now: Date): Where | undefined {
  const and: Where[] = [published]
  if (scope.kind === 'topic') and.push({ topics: { in: [scope.topic.id] } })
  if (collection === 'announcements') {
    and.push({ or: [{ 'channels.feed': { equals: true } }, { 'channels.feed': { exists: false } }] })
    and.push({ or: [{ expiresAt: { exists: false } }, { expiresAt: { greater_than: now.toISOString() } }] })
    if (scope.kind === 'urgent') and.push({ urgency: { equals: 'urgent' } })
  } else if (scope.kind === 'urgent') {
    return undefined // reports are never urgent statements
  }
  return { and }
}

/**
 * Bodies already rendered, by item version and site address: converting Lexical and sanitizing is
 * most of a build's work, and an event changes one item while the feed holds fifty (or ten thousand).
 * Bounded by size (characters, about 2 bytes each).
 */
const renderedBodies = new LRUCache<string, string>({ maxSize: 32 * 1024 * 1024, sizeCalculation: (html) => Math.max(1, html.length) })

function cachedBodyHtml(key: string, row: Row, siteUrl: string): string {
  const cacheKey = `${key}@${row.updatedAt}@${siteUrl}`
  let html = renderedBodies.get(cacheKey)
  if (html === undefined) {
    html = xmlSafe(bodyHtml(row.body, siteUrl))
    renderedBodies.set(cacheKey, html)
  }
  return html
}

const absolute = (url: string, siteUrl: string) => new URL(url, `${siteUrl}/`).toString()

function toEntry(collection: PublishableCollection, row: Row, settings: FeedSettings): FeedEntry {
  const file = row.reportFile && typeof row.reportFile === 'object' ? row.reportFile : undefined
  const key = entryKey(collection, row.id)
  return {
    key,
    guid: row.feedGuid ?? itemGuid(collection, row.id),
    title: xmlSafe(row.title),
    url: itemUrl(settings.siteUrl, collection, row.slug ?? String(row.id)),
    summary: xmlSafe(row.summary ?? ''),
    contentHtml: cachedBodyHtml(key, row, settings.siteUrl),
    categories: (row.topics ?? []).flatMap((topic) => (topic && typeof topic === 'object' && topic.name ? [xmlSafe(topic.name)] : [])),
    author: xmlSafe(settings.organisation),
    published: new Date(row.publishedAt ?? row.createdAt).toISOString(),
    updated: new Date(row.updatedAt).toISOString(),
    ...(file?.url
      ? {
          enclosure: {
            url: absolute(file.url, settings.siteUrl),
            length: file.filesize ?? 0,
            type: file.mimeType ?? 'application/pdf',
            title: xmlSafe(file.title ?? row.title),
          },
        }
      : {}),
    ...(row.expiresAt ? { expires: new Date(row.expiresAt).toISOString() } : {}),
    ...(row.supersedes && typeof row.supersedes === 'object'
      ? {
          supersedes: {
            kind: row.supersession === 'cancel' ? ('cancel' as const) : ('update' as const),
            url: itemUrl(settings.siteUrl, 'announcements', row.supersedes.slug ?? String(row.supersedes.id)),
            guid: row.supersedes.feedGuid ?? itemGuid('announcements', row.supersedes.id),
            published: new Date(row.supersedes.publishedAt ?? row.supersedes.createdAt).toISOString(),
          },
        }
      : {}),
  }
}

async function entriesOf(payload: Payload, collection: PublishableCollection, scope: FeedScope, settings: FeedSettings, now: Date) {
  const where = criteria(collection, scope, now)
  if (!where) return []
  const { docs } = await payload.find({
    collection,
    where,
    draft: false,
    sort: '-publishedAt',
    limit: settings.itemCount,
    pagination: false,
    depth: 1,
    select: {
      title: true,
      slug: true,
      summary: true,
      body: true,
      topics: true,
      publishedAt: true,
      createdAt: true,
      updatedAt: true,
      feedGuid: true,
      ...(collection === 'reports' ? { reportFile: true } : { supersedes: true, supersession: true, expiresAt: true }),
    },
    populate: {
      topics: { name: true },
      documents: { url: true, filename: true, filesize: true, mimeType: true, title: true },
      announcements: { slug: true, feedGuid: true, publishedAt: true, createdAt: true },
    },
  })
  return (docs as unknown as Row[]).map((row) => toEntry(collection, row, settings))
}

/** A scope's feed with these entries, its text made safe for XML (an organisation name could hold anything). */
export function feedOf(scope: FeedScope, settings: FeedSettings, entries: FeedEntry[]): Feed {
  return {
    scope: scopeKey(scope),
    title: xmlSafe(scopeTitle(scope, settings.organisation)),
    description: xmlSafe(scopeDescription(scope, settings.organisation)),
    siteUrl: settings.siteUrl,
    path: scopePath(scope),
    author: xmlSafe(settings.organisation),
    ttlMinutes: settings.ttlMinutes,
    ...(settings.hubUrl ? { hubUrl: settings.hubUrl } : {}),
    entries,
  }
}

/** The feed of one scope as the database holds it now: newest first, at most FEED_ITEMS entries. */
export async function assembleFeed(payload: Payload, scope: FeedScope, settings: FeedSettings, now = new Date()): Promise<Feed> {
  const [announcements, reports] = await Promise.all([
    entriesOf(payload, 'announcements', scope, settings, now),
    entriesOf(payload, 'reports', scope, settings, now),
  ])
  const entries = [...announcements, ...reports]
    .sort((a, b) => b.published.localeCompare(a.published) || a.key.localeCompare(b.key))
    .slice(0, settings.itemCount)
  return feedOf(scope, settings, entries)
}
