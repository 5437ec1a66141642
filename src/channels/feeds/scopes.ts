/** The feeds there are: everything, urgent statements only, and one per topic. */

export type TopicRef = { id: number | string; name: string; slug: string; description?: string | null }

export type FeedScope = { kind: 'all' } | { kind: 'urgent' } | { kind: 'topic'; topic: TopicRef }

/** The feed row's key. Topics by id, so renaming a topic (and its slug) keeps its feed. */
export const scopeKey = (scope: FeedScope): string => (scope.kind === 'topic' ? `topic-${scope.topic.id}` : scope.kind)

export const scopePath = (scope: FeedScope): string =>
  scope.kind === 'all' ? '' : scope.kind === 'urgent' ? '/urgent' : `/topics/${encodeURIComponent(scope.topic.slug)}`

export const scopeTitle = (scope: FeedScope, organisation: string): string =>
  scope.kind === 'all' ? organisation : scope.kind === 'urgent' ? `${organisation}: urgent statements` : `${organisation}: ${scope.topic.name}`

export const scopeDescription = (scope: FeedScope, organisation: string): string => {
  if (scope.kind === 'all') return `Announcements and reports from ${organisation}.`
  if (scope.kind === 'urgent') return `Urgent statements from ${organisation}, while they are current.`
  return scope.topic.description?.trim() || `Announcements and reports from ${organisation} about ${scope.topic.name}.`
}

/** "announcements:12": how a feed row remembers which items it holds. */
export const entryKey = (collection: string, id: number | string): string => `${collection}:${id}`
