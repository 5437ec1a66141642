import type { Payload } from 'payload'

import type { PipelineEvent } from '@/domain/events'
import { type FeedScope, type TopicRef, entryKey } from '@/channels/feeds/scopes'

const topicSelect = { name: true, slug: true, description: true } as const

async function topicScopes(payload: Payload, ids: (number | string)[]): Promise<FeedScope[]> {
  if (ids.length === 0) return []
  const { docs } = await payload.find({ collection: 'topics', where: { id: { in: ids } }, depth: 0, pagination: false, select: topicSelect })
  return docs.map((topic) => ({ kind: 'topic', topic: topic as TopicRef }))
}

/** Every feed there is: for a full rebuild (at start, or on request). */
export async function allScopes(payload: Payload): Promise<FeedScope[]> {
  const { docs } = await payload.find({ collection: 'topics', depth: 0, pagination: false, select: topicSelect, sort: 'id' })
  return [{ kind: 'all' }, { kind: 'urgent' }, ...docs.map((topic) => ({ kind: 'topic' as const, topic: topic as TopicRef }))]
}

/**
 * The feeds an event can change: the main and urgent feeds, the feeds of the item's topics now, and
 * every feed that holds the item now (a topic taken off the item, a retraction).
 */
export async function affectedScopes(payload: Payload, event: PipelineEvent): Promise<FeedScope[]> {
  const item = await payload.findByID({
    collection: event.collection,
    id: event.itemId,
    draft: false,
    depth: 0,
    disableErrors: true,
    select: { topics: true },
  })
  const current = (item?.topics ?? []).map((topic) => (typeof topic === 'object' ? topic.id : topic))
  const holding = await payload.find({
    collection: 'feeds',
    where: { entryKeys: { contains: ` ${entryKey(event.collection, event.itemId)} ` } },
    depth: 0,
    pagination: false,
    select: { scope: true },
  })
  const held = holding.docs.flatMap((feed) => (feed.scope.startsWith('topic-') ? [feed.scope.slice('topic-'.length)] : []))
  const ids = [...new Set([...current.map(String), ...held])]
  return [{ kind: 'all' }, { kind: 'urgent' }, ...(await topicScopes(payload, ids))]
}
