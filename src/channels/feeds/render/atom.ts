import xml, { type XmlObject } from 'xml'

import { type Feed, feedHomeUrl, feedUrl, supersedesLink } from '@/channels/feeds/feed'

const ATOM = 'http://www.w3.org/2005/Atom'

// The `xml` package (the one the rss package builds on) escapes every &, < and > in text and
// attributes. Builders that leave "&amp;"-looking text alone would turn an escaped "&lt;script&gt;"
// in a body into live markup in readers.
const text = (value: string): XmlObject[] => [{ _attr: { type: 'text' } }, value] as unknown as XmlObject[]
const link = (attributes: Record<string, string | number>): XmlObject => ({ link: [{ _attr: attributes }] })

/** Atom 1.0 (RFC 4287): text constructs as type="text", the body as type="html". */
export function renderAtom(feed: Feed, changedAt: Date): string {
  const entries: XmlObject[] = feed.entries.map((entry) => ({
    entry: [
      { id: entry.guid },
      { title: text(entry.title) },
      link({ rel: 'alternate', type: 'text/html', href: entry.url }),
      { published: entry.published },
      { updated: entry.updated },
      { author: [{ name: entry.author }] },
      ...entry.categories.map((category) => ({ category: [{ _attr: { term: category } }] })),
      { summary: text(entry.summary) },
      { content: [{ _attr: { type: 'html' } }, entry.contentHtml] as unknown as XmlObject[] },
      ...(entry.enclosure
        ? [link({ rel: 'enclosure', href: entry.enclosure.url, type: entry.enclosure.type, length: entry.enclosure.length, title: entry.enclosure.title })]
        : []),
      ...(entry.supersedes ? [link(supersedesLink(entry.supersedes))] : []),
    ],
  }))
  const root: XmlObject = {
    feed: [
      { _attr: { xmlns: ATOM } },
      { id: feedUrl(feed, 'atom') },
      { title: text(feed.title) },
      { subtitle: text(feed.description) },
      { updated: changedAt.toISOString() },
      link({ rel: 'alternate', type: 'text/html', href: feedHomeUrl(feed) }),
      link({ rel: 'self', type: 'application/atom+xml', href: feedUrl(feed, 'atom') }),
      ...(feed.hubUrl ? [link({ rel: 'hub', href: feed.hubUrl })] : []),
      { author: [{ name: feed.author }] },
      ...entries,
    ] as unknown as XmlObject[],
  }
  return xml(root, { declaration: { encoding: 'UTF-8' } })
}
