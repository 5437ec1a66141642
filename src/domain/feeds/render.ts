import type { Feed, FeedFormat } from './feed'
import { renderAtom } from './render-atom'
import { renderJsonFeed } from './render-json-feed'
import { renderRss } from './render-rss'

/** The feed in every format, stamped with the time its content last changed. */
export function renderFeed(feed: Feed, changedAt: Date): Record<FeedFormat, string> {
  return { rss: renderRss(feed, changedAt), atom: renderAtom(feed, changedAt), json: renderJsonFeed(feed) }
}
