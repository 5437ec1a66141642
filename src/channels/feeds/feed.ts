/** A feed as the channel assembles it, before it is written out as RSS, Atom or JSON Feed. */

export const FEED_FORMATS = ['rss', 'atom', 'json'] as const
export type FeedFormat = (typeof FEED_FORMATS)[number]

/** The file name of each format under a feed's path: /feed.xml, /urgent/feed.atom, /topics/x/feed.json. */
export const FEED_FILES: Record<FeedFormat, string> = { rss: 'feed.xml', atom: 'feed.atom', json: 'feed.json' }

export const FEED_CONTENT_TYPES: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
}

export type FeedEnclosure = { url: string; length: number; type: string; title: string }

export type FeedEntry = {
  /** "announcements:12": which item this is, to find the feeds that hold it. */
  key: string
  /** Fixed at first publish (a urn:uuid), never derived from the URL. */
  guid: string
  title: string
  url: string
  summary: string
  /** Sanitized HTML of the body. */
  contentHtml: string
  categories: string[]
  author: string
  /** ISO times: first publication, and the last change of the live item (corrections). */
  published: string
  updated: string
  enclosure?: FeedEnclosure
  /** When an announcement stops being urgent (ISO time). */
  expires?: string
  /**
   * The earlier statement this one updates or cancels (RFC 5829's predecessor-version), with its guid
   * and first publication, which a CAP message references.
   */
  supersedes?: { kind: 'update' | 'cancel'; url: string; guid: string; published: string }
}

export type Feed = {
  scope: string
  title: string
  description: string
  /** The site's base URL, without a trailing slash. */
  siteUrl: string
  /** The feed's path under the site ("" for the main feeds, "/urgent", "/topics/<slug>"). */
  path: string
  author: string
  ttlMinutes: number
  hubUrl?: string
  entries: FeedEntry[]
}

export const feedUrl = (feed: Pick<Feed, 'siteUrl' | 'path'>, format: FeedFormat): string => `${feed.siteUrl}${feed.path}/${FEED_FILES[format]}`

/** The page a feed stands for: the home page, or the topic's page. The urgent feed's is the home page. */
export const feedHomeUrl = (feed: Pick<Feed, 'siteUrl' | 'path'>): string =>
  feed.path.startsWith('/topics/') ? `${feed.siteUrl}${feed.path}` : `${feed.siteUrl}/`

// XML 1.0 allows tab, newline, carriage return and everything from U+0020 except surrogates and U+FFFE/U+FFFF.
// eslint-disable-next-line no-control-regex -- naming control characters is the point
const NOT_XML_CHAR = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu

/**
 * Removes characters no XML document may contain (control characters, lone surrogates). One such
 * character pasted into a title would otherwise make every aggregator reject the whole feed.
 */
export const xmlSafe = (text: string): string => text.replace(NOT_XML_CHAR, '')

/**
 * The link from a statement to the earlier one it updates or cancels, as Atom (and RSS, through its
 * atom: namespace) carries it: RFC 5829's predecessor-version, titled with what it does.
 */
export const supersedesLink = (supersedes: NonNullable<FeedEntry['supersedes']>) => ({
  rel: 'predecessor-version',
  type: 'text/html',
  href: supersedes.url,
  title: supersedes.kind === 'cancel' ? 'Cancels this statement' : 'Updates this statement',
})
