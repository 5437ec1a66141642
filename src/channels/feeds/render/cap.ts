import xml, { type XmlObject } from 'xml'

import { type Feed, type FeedEntry, feedHomeUrl } from '@/channels/feeds/feed'

const ATOM = 'http://www.w3.org/2005/Atom'
const CAP = 'urn:oasis:names:tc:emergency:cap:1.2'

/** Where the index is served. */
export const CAP_INDEX_PATH = '/alerts.cap.xml'

/**
 * CAP's date-time: xs:dateTime restricted to seconds and a numeric offset ("2026-11-29T08:00:00+00:00";
 * neither fractions of a second nor "Z").
 */
export const capTime = (iso: string): string => `${new Date(iso).toISOString().slice(0, 19)}+00:00`

/** The message's sender: the site's host name (no spaces, commas, "<" or "&", as CAP requires). */
export const capSender = (feed: Pick<Feed, 'siteUrl'>): string => new URL(feed.siteUrl).hostname

const msgType = (entry: FeedEntry) => (entry.supersedes ? (entry.supersedes.kind === 'cancel' ? 'Cancel' : 'Update') : 'Alert')

/**
 * One urgent statement as a CAP 1.2 alert. Its identifier is the statement's feed guid, so it never
 * changes; an update or a cancellation references the earlier statement's message ("sender,identifier,
 * sent"). A charity's urgent statement is about something it has seen happen and that needs attention
 * now, not a hazard to life: urgency Immediate, severity Moderate, certainty Observed, category Other.
 */
function capAlert(entry: FeedEntry, feed: Feed): XmlObject {
  const sender = capSender(feed)
  return {
    alert: [
      { _attr: { xmlns: CAP } },
      { identifier: entry.guid },
      { sender },
      { sent: capTime(entry.published) },
      { status: 'Actual' },
      { msgType: msgType(entry) },
      { scope: 'Public' },
      ...(entry.supersedes ? [{ references: `${sender},${entry.supersedes.guid},${capTime(entry.supersedes.published)}` }] : []),
      {
        info: [
          { category: 'Other' },
          { event: entry.categories.length > 0 ? entry.categories.join(', ') : 'Urgent statement' },
          { urgency: 'Immediate' },
          { severity: 'Moderate' },
          { certainty: 'Observed' },
          ...(entry.expires ? [{ expires: capTime(entry.expires) }] : []),
          { senderName: entry.author },
          { headline: entry.title },
          { description: entry.summary },
          { web: entry.url },
        ],
      },
    ] as unknown as XmlObject[],
  }
}

/**
 * The urgent statements as an Atom index of CAP messages (the form alert aggregators poll): one entry
 * per statement, its CAP 1.2 alert inline as the entry's content. A statement that cancels another is
 * a Cancel message; the cancelled one has left the urgent feed.
 */
export function renderCapIndex(feed: Feed, changedAt: Date): string {
  const self = `${feed.siteUrl}${CAP_INDEX_PATH}`
  const root: XmlObject = {
    feed: [
      { _attr: { xmlns: ATOM } },
      { id: self },
      { title: [{ _attr: { type: 'text' } }, `${feed.title} (CAP)`] },
      { updated: changedAt.toISOString() },
      { link: [{ _attr: { rel: 'self', type: 'application/atom+xml', href: self } }] },
      { link: [{ _attr: { rel: 'alternate', type: 'text/html', href: feedHomeUrl(feed) } }] },
      { author: [{ name: feed.author }] },
      ...feed.entries.map((entry) => ({
        entry: [
          { id: entry.guid },
          { title: [{ _attr: { type: 'text' } }, entry.title] },
          { published: entry.published },
          { updated: entry.updated },
          { link: [{ _attr: { rel: 'alternate', type: 'text/html', href: entry.url } }] },
          { content: [{ _attr: { type: 'application/cap+xml' } }, capAlert(entry, feed)] },
        ],
      })),
    ] as unknown as XmlObject[],
  }
  return xml(root, { declaration: { encoding: 'UTF-8' } })
}
