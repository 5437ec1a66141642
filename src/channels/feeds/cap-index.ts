import type { Payload, Where } from 'payload'

import { type CapEvent, type CapMessage, capThread } from '@/channels/feeds/render/cap-messages'
import { type Feed, type FeedEntry, xmlSafe } from '@/channels/feeds/feed'
import type { ListedCapMessage } from '@/channels/feeds/render/cap'
import { itemUrl } from '@/domain/item-url'
import { itemGuid } from '@/domain/item-guid'
import { relationId } from '@/lib/relation-id'

import { assembleFeed, type FeedSettings } from './assemble-feed'

/**
 * How long a withdrawn statement's Cancel stays in the index. Aggregators poll every minute or two;
 * a day lets one that was down for hours still take the statement off its map.
 */
export const CANCEL_LISTED_MS = 24 * 3600_000

type EventRow = { uid: string; kind: CapEvent['kind']; urgency: CapEvent['urgency']; itemId: string; title?: string | null; createdAt: string }
type StatementRow = {
  id: number | string
  title: string
  slug?: string | null
  summary?: string | null
  feedGuid?: string | null
  publishedAt?: string | null
  createdAt: string
  urgency: 'urgent' | 'standard'
  channels?: { feed?: boolean | null } | null
  topics?: (number | { name?: string } | null)[] | null
  supersedes?: number | { id: number } | null
}

const itemIdOf = (entry: FeedEntry) => entry.key.slice(entry.key.indexOf(':') + 1)
const eventName = (categories: string[]) => (categories.length > 0 ? categories.join(', ') : 'Urgent statement')
const topicNames = (row: StatementRow) => (row.topics ?? []).flatMap((topic) => (topic && typeof topic === 'object' && topic.name ? [xmlSafe(topic.name)] : []))
const statementOf = (row: StatementRow) => ({
  guid: row.feedGuid ?? itemGuid('announcements', row.id),
  published: new Date(row.publishedAt ?? row.createdAt).toISOString(),
  urgent: row.urgency === 'urgent',
})

/** Every publish, correction and retraction of these statements, oldest first, grouped by statement. */
async function eventsOf(payload: Payload, itemIds: string[]): Promise<Map<string, (CapEvent & { title: string })[]>> {
  const byItem = new Map<string, (CapEvent & { title: string })[]>()
  if (itemIds.length === 0) return byItem
  const { docs } = await payload.find({
    collection: 'outbox-events',
    where: { and: [{ collection: { equals: 'announcements' } }, { itemId: { in: itemIds } }, { kind: { in: ['publish', 'update', 'retract'] } }] },
    sort: ['createdAt', 'id'],
    depth: 0,
    pagination: false,
    select: { uid: true, kind: true, urgency: true, itemId: true, title: true, createdAt: true },
  })
  for (const row of docs as unknown as EventRow[]) {
    const list = byItem.get(row.itemId) ?? []
    list.push({ uid: row.uid, kind: row.kind, urgency: row.urgency, at: new Date(row.createdAt).toISOString(), title: row.title ?? '' })
    byItem.set(row.itemId, list)
  }
  return byItem
}

async function statementsWhere(payload: Payload, where: Where): Promise<StatementRow[]> {
  const { docs } = await payload.find({
    collection: 'announcements',
    where,
    draft: false,
    depth: 1,
    pagination: false,
    select: { title: true, slug: true, summary: true, feedGuid: true, publishedAt: true, createdAt: true, urgency: true, channels: true, topics: true, supersedes: true },
    populate: { topics: { name: true }, announcements: { title: true } },
  })
  return docs as unknown as StatementRow[]
}

/**
 * The CAP index as the database holds it now: the urgent feed's statements, each with the latest of
 * its messages, and the Cancel of each urgent statement withdrawn (or made standard) in the last
 * CANCEL_LISTED_MS, newest first. Messages are derived from the outbox events, so each keeps its
 * identifier and time across reads.
 */
export async function capIndex(payload: Payload, settings: FeedSettings, now = new Date()): Promise<{ feed: Feed; messages: ListedCapMessage[] }> {
  const feed = await assembleFeed(payload, { kind: 'urgent' }, settings, now)
  const liveIds = feed.entries.map(itemIdOf)
  const since = new Date(now.getTime() - CANCEL_LISTED_MS).toISOString()
  const { docs: recent } = await payload.find({
    collection: 'outbox-events',
    where: { and: [{ collection: { equals: 'announcements' } }, { kind: { in: ['retract', 'update'] } }, { createdAt: { greater_than: since } }] },
    depth: 0,
    pagination: false,
    select: { itemId: true },
  })
  const endedIds = [...new Set(recent.map((event) => event.itemId))].filter((id) => !liveIds.includes(id))
  const predecessorGuids = feed.entries.flatMap((entry) => (entry.supersedes?.kind === 'update' ? [entry.supersedes.guid] : []))

  const [ended, predecessors, cancellers] = await Promise.all([
    endedIds.length ? statementsWhere(payload, { id: { in: endedIds } }) : [],
    predecessorGuids.length ? statementsWhere(payload, { feedGuid: { in: predecessorGuids } }) : [],
    endedIds.length ? statementsWhere(payload, { and: [{ supersedes: { in: endedIds } }, { supersession: { equals: 'cancel' } }, { _status: { equals: 'published' } }] }) : [],
  ])
  const events = await eventsOf(payload, [...new Set([...liveIds, ...endedIds, ...predecessors.map((row) => String(row.id))])])
  const eventsOfItem = (id: number | string) => events.get(String(id)) ?? []

  const messages: ListedCapMessage[] = []
  for (const entry of feed.entries) {
    const own = eventsOfItem(itemIdOf(entry))
    const earlier = predecessors.find((row) => row.feedGuid === entry.supersedes?.guid)
    // The message the statement's first one updates: the earlier statement's, as it stood then.
    const startedAt = own[0]?.at ?? entry.published
    const predecessor: CapMessage | undefined = earlier ? capThread(statementOf(earlier), eventsOfItem(earlier.id).filter((event) => event.at < startedAt)).at(-1) : undefined
    const latest = capThread({ guid: entry.guid, published: entry.published, urgent: true }, own, predecessor).at(-1)
    if (!latest || latest.msgType === 'Cancel') continue
    messages.push({
      ...latest,
      info: {
        event: eventName(entry.categories),
        ...(entry.expires ? { expires: entry.expires } : {}),
        senderName: entry.author,
        headline: entry.title,
        description: entry.summary,
        web: entry.url,
      },
    })
  }

  for (const row of ended) {
    if (row.channels?.feed === false) continue
    const own = eventsOfItem(row.id)
    const latest = capThread(statementOf(row), own).at(-1)
    if (latest?.msgType !== 'Cancel' || latest.sent <= since) continue
    const ending = own.find((event) => `urn:uuid:${event.uid}` === latest.identifier)
    const canceller = cancellers.find((other) => String(relationId(other.supersedes)) === String(row.id))
    const withdrawn = ending?.kind === 'retract'
    messages.push({
      ...latest,
      info: {
        event: eventName(topicNames(row)),
        senderName: feed.author,
        ...(canceller
          ? { headline: xmlSafe(canceller.title), description: xmlSafe(canceller.summary ?? ''), web: itemUrl(settings.siteUrl, 'announcements', canceller.slug ?? String(canceller.id)) }
          : {
              headline: xmlSafe(ending?.title || row.title),
              description: withdrawn ? `${feed.author} has withdrawn this statement.` : `${feed.author} no longer treats this statement as urgent.`,
              web: itemUrl(settings.siteUrl, 'announcements', row.slug ?? String(row.id)),
            }),
      },
    })
  }
  messages.sort((a, b) => b.sent.localeCompare(a.sent) || a.identifier.localeCompare(b.identifier))
  return { feed, messages }
}
