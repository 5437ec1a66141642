import type { Feed, FeedFormat } from '@/channels/feeds/feed'
import { renderAtom } from './atom'
import { renderJsonFeed } from './json-feed'
import { renderRss } from './rss'

/** The feed in every format, stamped with the time its content last changed. */
export function renderFeed(feed: Feed, changedAt: Date): Record<FeedFormat, string> {
  return { rss: renderRss(feed, changedAt), atom: renderAtom(feed, changedAt), json: renderJsonFeed(feed) }
}
