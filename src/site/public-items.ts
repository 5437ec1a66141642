import type { Payload, Where } from 'payload'

import type { PublishableCollection } from '@/domain/events'
import { canMatchText } from '@/lib/database-text'
import { siteBaseUrl } from '@/site/site-url'
import { getEnv } from '@/lib/env'
import type { Announcement, Document, Report, Topic } from '@/payload-types'

import type { SiteContext } from './site-page'

export type PublicItem = (Announcement | Report) & { collection: PublishableCollection }
export type ItemLookup = { found: PublicItem } | { gone: { id: number; title: string; collection: PublishableCollection } } | undefined

export const PAGE_SIZE = 20

export async function siteContext(payload: Payload): Promise<SiteContext> {
  const site = await payload.findGlobal({ slug: 'site', depth: 0 })
  return { organisation: site.organisationName, siteUrl: siteBaseUrl(site.publicUrl, getEnv()) }
}

/**
 * The live item at /<collection>/<slug>: published now (the live row, never a draft), or, when it was
 * published once and is not any more, that it is gone (a retracted statement answers 410 with a
 * notice, not a 404 that looks like a broken link). Undefined for anything never published.
 */
export async function itemBySlug(payload: Payload, collection: PublishableCollection, slug: string): Promise<ItemLookup> {
  if (!canMatchText(slug)) return undefined
  const { docs } = await payload.find({ collection, where: { slug: { equals: slug } }, draft: false, depth: 1, limit: 1, overrideAccess: true })
  const doc = docs[0] as Announcement | Report | undefined
  if (!doc) return undefined
  if (doc._status === 'published') return { found: { ...doc, collection } }
  return doc.publishedAt ? { gone: { id: doc.id, title: doc.title, collection } } : undefined
}

const live: Where = { _status: { equals: 'published' } }

/**
 * When a correction of the item was last published: its newest update event. An item only published
 * has none (its row's updatedAt differs from publishedAt by the milliseconds of the save itself).
 */
export async function lastCorrectedAt(payload: Payload, collection: PublishableCollection, id: number | string): Promise<string | undefined> {
  const { docs } = await payload.find({
    collection: 'outbox-events',
    where: { and: [{ collection: { equals: collection } }, { itemId: { equals: String(id) } }, { kind: { equals: 'update' } }] },
    sort: '-createdAt',
    limit: 1,
    depth: 0,
    pagination: false,
    select: { createdAt: true },
  })
  return docs[0]?.createdAt
}

export type Supersession = { kind: 'update' | 'cancel'; title: string; slug: string }

/**
 * How a statement stands with others: the live statements that update or cancel it (newest first),
 * and the earlier one it updates or cancels itself, if that is still public or was cancelled by it.
 */
export async function supersessionsOf(payload: Payload, item: Pick<Announcement, 'id' | 'supersedes' | 'supersession'>) {
  const { docs } = await payload.find({
    collection: 'announcements',
    where: { and: [live, { supersedes: { equals: item.id } }] },
    draft: false,
    sort: '-publishedAt',
    depth: 0,
    limit: 10,
    select: { title: true, slug: true, supersession: true },
  })
  const by: Supersession[] = docs.map((doc) => ({ kind: doc.supersession === 'cancel' ? 'cancel' : 'update', title: doc.title, slug: doc.slug ?? String(doc.id) }))
  const earlierId = typeof item.supersedes === 'object' && item.supersedes ? item.supersedes.id : item.supersedes
  const earlier = earlierId ? await payload.findByID({ collection: 'announcements', id: earlierId, draft: false, depth: 0, disableErrors: true }) : null
  const of: Supersession | undefined = earlier?.publishedAt ? { kind: item.supersession === 'cancel' ? 'cancel' : 'update', title: earlier.title, slug: earlier.slug ?? String(earlier.id) } : undefined
  return { by, of }
}

/** Published items of both kinds, newest first, a page at a time (optionally of one topic). */
export async function latestItems(payload: Payload, page: number, topic?: Topic): Promise<{ items: PublicItem[]; hasMore: boolean }> {
  const where: Where = topic ? { and: [live, { topics: { in: [topic.id] } }] } : live
  // Enough of each kind to cut the merged page from.
  const take = page * PAGE_SIZE + 1
  const [announcements, reports] = await Promise.all(
    (['announcements', 'reports'] as const).map(async (collection) => {
      const { docs } = await payload.find({ collection, where, draft: false, sort: '-publishedAt', limit: take, depth: 0, pagination: false })
      return (docs as (Announcement | Report)[]).map((doc) => ({ ...doc, collection }))
    }),
  )
  const merged = [...announcements!, ...reports!].sort((a, b) => (b.publishedAt ?? b.createdAt).localeCompare(a.publishedAt ?? a.createdAt))
  const start = (page - 1) * PAGE_SIZE
  return { items: merged.slice(start, start + PAGE_SIZE), hasMore: merged.length > start + PAGE_SIZE }
}

/** The urgent statement for the home page's banner: the newest live urgent announcement not expired. */
export async function urgentStatement(payload: Payload, now = new Date()): Promise<Announcement | undefined> {
  const { docs } = await payload.find({
    collection: 'announcements',
    where: { and: [live, { urgency: { equals: 'urgent' } }, { or: [{ expiresAt: { exists: false } }, { expiresAt: { greater_than: now.toISOString() } }] }] },
    draft: false,
    sort: '-publishedAt',
    limit: 1,
    depth: 0,
  })
  return docs[0]
}

export const reportFile = (report: Report): Document | undefined => (report.reportFile && typeof report.reportFile === 'object' ? report.reportFile : undefined)
