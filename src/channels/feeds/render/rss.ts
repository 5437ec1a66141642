import RSS from 'rss'

import { escapeHtml } from '@/domain/escape-html'

import { type Feed, feedHomeUrl, feedUrl, supersedesLink } from '@/channels/feeds/feed'

/** RSS 2.0 with the summary as escaped HTML, content:encoded bodies, dc:creator, an atom:updated time for corrections, and enclosures. */
export function renderRss(feed: Feed, changedAt: Date): string {
  const rss = new RSS({
    title: feed.title,
    description: feed.description,
    site_url: feedHomeUrl(feed),
    feed_url: feedUrl(feed, 'rss'),
    hub: feed.hubUrl,
    ttl: feed.ttlMinutes,
    pubDate: changedAt,
    custom_elements: [],
  })
  for (const entry of feed.entries) {
    rss.item({
      title: entry.title,
      // An item's description is HTML to RSS readers: the plain-text summary goes in escaped, so text
      // that looks like markup is shown as typed, never run or dropped.
      description: escapeHtml(entry.summary),
      url: entry.url,
      guid: entry.guid,
      categories: entry.categories,
      author: entry.author,
      date: entry.published,
      enclosure: entry.enclosure ? { url: entry.enclosure.url, size: entry.enclosure.length, type: entry.enclosure.type } : undefined,
      custom_elements: [
        { 'content:encoded': { _cdata: entry.contentHtml } },
        { 'atom:updated': entry.updated },
        ...(entry.supersedes ? [{ 'atom:link': { _attr: supersedesLink(entry.supersedes) } }] : []),
      ],
    })
  }
  return rss.xml()
}
