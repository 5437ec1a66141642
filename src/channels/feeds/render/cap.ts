import xml, { type XmlObject } from 'xml'

import { capTime, type CapMessage } from '@/channels/feeds/render/cap-messages'
import { type Feed, feedHomeUrl } from '@/channels/feeds/feed'

const ATOM = 'http://www.w3.org/2005/Atom'
const CAP = 'urn:oasis:names:tc:emergency:cap:1.2'

/** Where the index is served. */
export const CAP_INDEX_PATH = '/alerts.cap.xml'

/** The message's sender: the site's host name (no spaces, commas, "<" or "&", as CAP requires). */
export const capSender = (feed: Pick<Feed, 'siteUrl'>): string => new URL(feed.siteUrl).hostname

/** What a message says: the statement it is about, or for a Cancel what withdrew it. */
export type CapInfo = { event: string; expires?: string; senderName: string; headline: string; description: string; web: string }

export type ListedCapMessage = CapMessage & { info: CapInfo }

/**
 * One message as a CAP 1.2 alert. A charity's urgent statement is about something it has seen happen
 * and that needs attention now, not a hazard to life: urgency Immediate, severity Moderate, certainty
 * Observed, category Other.
 */
function capAlert(message: ListedCapMessage, sender: string): XmlObject {
  const { info } = message
  return {
    alert: [
      { _attr: { xmlns: CAP } },
      { identifier: message.identifier },
      { sender },
      { sent: capTime(message.sent) },
      { status: 'Actual' },
      { msgType: message.msgType },
      { scope: 'Public' },
      ...(message.references ? [{ references: `${sender},${message.references.identifier},${capTime(message.references.sent)}` }] : []),
      {
        info: [
          { category: 'Other' },
          { event: info.event },
          { urgency: 'Immediate' },
          { severity: 'Moderate' },
          { certainty: 'Observed' },
          ...(info.expires ? [{ expires: capTime(info.expires) }] : []),
          { senderName: info.senderName },
          { headline: info.headline },
          { description: info.description },
          { web: info.web },
        ],
      },
    ] as unknown as XmlObject[],
  }
}

/**
 * The urgent statements' messages as an Atom index of CAP alerts (the form alert aggregators poll),
 * newest first: the latest message of each current statement, and the Cancel of each recently
 * withdrawn one. Each entry is one message (its id the message's identifier), inline as its content.
 */
export function renderCapIndex(feed: Pick<Feed, 'siteUrl' | 'path' | 'title' | 'author'>, messages: ListedCapMessage[]): string {
  const self = `${feed.siteUrl}${CAP_INDEX_PATH}`
  const sender = capSender(feed)
  const newest = Math.max(0, ...messages.map((message) => Date.parse(message.sent)))
  const root: XmlObject = {
    feed: [
      { _attr: { xmlns: ATOM } },
      { id: self },
      { title: [{ _attr: { type: 'text' } }, `${feed.title} (CAP)`] },
      { updated: new Date(newest).toISOString() },
      { link: [{ _attr: { rel: 'self', type: 'application/atom+xml', href: self } }] },
      { link: [{ _attr: { rel: 'alternate', type: 'text/html', href: feedHomeUrl(feed) } }] },
      { author: [{ name: feed.author }] },
      ...messages.map((message) => ({
        entry: [
          { id: message.identifier },
          { title: [{ _attr: { type: 'text' } }, message.info.headline] },
          { published: new Date(message.sent).toISOString() },
          { updated: new Date(message.sent).toISOString() },
          { link: [{ _attr: { rel: 'alternate', type: 'text/html', href: message.info.web } }] },
          { content: [{ _attr: { type: 'application/cap+xml' } }, capAlert(message, sender)] },
        ],
      })),
    ] as unknown as XmlObject[],
  }
  return xml(root, { declaration: { encoding: 'UTF-8' } })
}
