import config from '@payload-config'
import { getPayload, type Payload } from 'payload'

import { FEED_CONTENT_TYPES, type FeedFormat } from '@/channels/feeds/feed'
import { renderFeed } from '@/channels/feeds/render/render'
import { type FeedScope, scopePath } from '@/channels/feeds/scopes'
import { canMatchText } from '@/lib/database-text'
import { getEnv } from '@/lib/env'
import { logger } from '@/lib/logger'
import { feedOf } from '@/channels/feeds/assemble-feed'
import { feedSettings } from '@/channels/feeds/feed-settings'
import { type ServedFeed, ServedFeeds } from '@/channels/feeds/served-feeds'
import { notModified } from '@/lib/http/conditional-get'
import { noPageHeaders } from '@/lib/http/security-headers'

let served: ServedFeeds | undefined
const servedFeeds = (payload: Payload) => (served ??= new ServedFeeds(payload))

const text = (status: number, message: string, headers: Record<string, string> = {}) =>
  new Response(`${message}\n`, { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...noPageHeaders(getEnv()), ...headers } })

function answer(request: Request, feed: ServedFeed, format: FeedFormat): Response {
  const etag = `"${feed.etag}-${format}"`
  const headers = {
    etag,
    'last-modified': feed.lastModified.toUTCString(),
    'cache-control': `public, max-age=${getEnv().FEED_MAX_AGE_SECONDS}`,
    ...noPageHeaders(getEnv()),
  }
  if (notModified(request.headers, etag, feed.lastModified)) return new Response(null, { status: 304, headers })
  return new Response(feed.bodies[format], { status: 200, headers: { ...headers, 'content-type': FEED_CONTENT_TYPES[format] } })
}

/**
 * A feed nothing has been published to yet: valid and empty rather than a 404, so an aggregator can
 * subscribe before the first statement. Not cached, since the first build replaces it.
 */
async function emptyFeed(payload: Payload, scope: FeedScope, format: FeedFormat): Promise<Response> {
  const settings = await feedSettings(payload, getEnv())
  const bodies = renderFeed(feedOf(scope, settings, []), new Date(0))
  return new Response(bodies[format], { status: 200, headers: { 'content-type': FEED_CONTENT_TYPES[format], 'cache-control': 'no-cache', ...noPageHeaders(getEnv()) } })
}

async function serve(request: Request, path: string, format: FeedFormat, scopeIfMissing: (payload: Payload) => Promise<FeedScope | undefined>) {
  let payload: Payload | undefined
  try {
    payload = await getPayload({ config })
    const feed = await servedFeeds(payload).get(path)
    if (feed) return answer(request, feed, format)
    const scope = await scopeIfMissing(payload)
    return scope ? await emptyFeed(payload, scope, format) : text(404, 'There is no feed at this address.')
  } catch (error) {
    // The database is unreachable: the last copy this process served is better than nothing.
    const stale = payload ? servedFeeds(payload).stale(path) : undefined
    logger.error({ err: error instanceof Error ? error.message : String(error), path, format }, 'feed request failed')
    if (stale) return answer(request, stale, format)
    return text(503, 'The feed is unavailable for a moment. Please try again shortly.', { 'retry-after': '30' })
  }
}

/** GET for /feed.xml and /urgent/feed.xml and their Atom and JSON Feed twins. */
export const feedRoute = (scope: { kind: 'all' } | { kind: 'urgent' }, format: FeedFormat) => (request: Request) =>
  serve(request, scopePath(scope), format, async () => scope)

type TopicContext = { params: Promise<{ slug: string }> }

/** GET for /topics/<slug>/feed.xml and its twins. */
export const topicFeedRoute = (format: FeedFormat) => async (request: Request, { params }: TopicContext) => {
  const { slug } = await params
  return serve(request, `/topics/${encodeURIComponent(slug)}`, format, async (payload) => {
    if (!canMatchText(slug)) return undefined
    const { docs } = await payload.find({ collection: 'topics', where: { slug: { equals: slug } }, limit: 1, depth: 0, pagination: false })
    const topic = docs[0]
    return topic ? { kind: 'topic', topic: { id: topic.id, name: topic.name, slug: topic.slug ?? slug, description: topic.description } } : undefined
  })
}
