import { type Feed, feedHomeUrl, feedUrl } from '@/channels/feeds/feed'

/** JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/), with the hub under `hubs`. */
export function renderJsonFeed(feed: Feed): string {
  return JSON.stringify({
    version: 'https://jsonfeed.org/version/1.1',
    title: feed.title,
    home_page_url: feedHomeUrl(feed),
    feed_url: feedUrl(feed, 'json'),
    description: feed.description,
    authors: [{ name: feed.author }],
    ...(feed.hubUrl ? { hubs: [{ type: 'WebSub', url: feed.hubUrl }] } : {}),
    items: feed.entries.map((entry) => ({
      id: entry.guid,
      url: entry.url,
      title: entry.title,
      summary: entry.summary,
      content_html: entry.contentHtml,
      date_published: entry.published,
      date_modified: entry.updated,
      authors: [{ name: entry.author }],
      tags: entry.categories,
      ...(entry.enclosure
        ? { attachments: [{ url: entry.enclosure.url, mime_type: entry.enclosure.type, size_in_bytes: entry.enclosure.length, title: entry.enclosure.title }] }
        : {}),
      // JSON Feed's extensions start with an underscore; this one names the statement this one updates or cancels.
      ...(entry.supersedes ? { _supersedes: { kind: entry.supersedes.kind, url: entry.supersedes.url } } : {}),
    })),
  })
}
