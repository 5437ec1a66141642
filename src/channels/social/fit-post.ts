/**
 * Fitting an item's post to a network's length limit, counted the way the network counts:
 * - Mastodon: 500 grapheme clusters, every http(s) link counting as 23 whatever its length, a remote
 *   mention (@user@host) as its local part (Mastodon's StatusLengthValidator);
 * - Bluesky: 300 grapheme clusters of the text as posted; a link is shown shortened (host and path, cut
 *   with "…") and carried whole in a link facet, so it costs only what is shown.
 * A post is cut summary first, then title, always between words and with "…"; the link is never cut.
 */
export const SOCIAL_NETWORKS = ['mastodon', 'bluesky', 'webhook'] as const
export type SocialNetwork = (typeof SOCIAL_NETWORKS)[number]

export const POST_LIMITS: Record<SocialNetwork, number> = { mastodon: 500, bluesky: 300, webhook: Number.POSITIVE_INFINITY }

const MASTODON_URL_LENGTH = 23
const BLUESKY_LINK_DISPLAY = 30
const ELLIPSIS = '…'

const URL_PATTERN = /https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]}'"]/g
const REMOTE_MENTION = /(^|[^/\w])@(\w+)@[a-z0-9.-]+[a-z0-9]/gi

export type PostParts = { title: string; summary: string; url: string }
/** A link in the post: where its shown text is (UTF-16 offsets into `text`) and where it goes. */
export type PostLink = { start: number; end: number; uri: string }
export type FittedPost = { text: string; length: number; limit: number; links: PostLink[] }

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' })
export const graphemeCount = (text: string) => {
  let count = 0
  for (const _ of segmenter.segment(text)) count++
  return count
}

/** The length Mastodon's server computes for a status text. */
export function mastodonLength(text: string): number {
  const countable = text.replace(URL_PATTERN, 'x'.repeat(MASTODON_URL_LENGTH)).replace(REMOTE_MENTION, '$1@$2')
  return graphemeCount(countable)
}

/** How Bluesky's app shows a link: without the scheme, cut to 30 characters with "…". */
export function blueskyLinkText(url: string): string {
  const shown = url.replace(/^https?:\/\//, '')
  return graphemeCount(shown) <= BLUESKY_LINK_DISPLAY ? shown : `${[...segmenter.segment(shown)].slice(0, BLUESKY_LINK_DISPLAY - 1).map((part) => part.segment).join('')}${ELLIPSIS}`
}

/**
 * The template ({title}, {summary}, {url}) filled in, blank lines left by an empty part folded, and
 * where each link sits in the result (for Bluesky's facets).
 */
function render(template: string, parts: PostParts, network: SocialNetwork): { text: string; links: PostLink[] } {
  const shown = network === 'bluesky' ? blueskyLinkText(parts.url) : parts.url
  const filled = template.replace(/\{(title|summary|url)\}/g, (_, key: keyof PostParts) => (key === 'url' ? shown : parts[key]))
  const text = filled.replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim()
  const links: PostLink[] = []
  const placeholders = template.match(/\{url\}/g)?.length ?? 0
  for (let from = 0, found = 0; found < placeholders; found++) {
    const start = text.indexOf(shown, from)
    if (start < 0) break
    links.push({ start, end: start + shown.length, uri: parts.url })
    from = start + shown.length
  }
  return { text, links }
}

const measure = (network: SocialNetwork, text: string) => (network === 'mastodon' ? mastodonLength(text) : graphemeCount(text))

/** The longest run of whole words from the start of `text` that fits `fits`, with "…" when cut. */
function cutToWords(text: string, fits: (candidate: string) => boolean): string {
  if (fits(text)) return text
  const words = text.split(/(\s+)/)
  let kept = ''
  for (let index = 0; index < words.length; index += 2) {
    const next = `${kept}${index > 0 ? words[index - 1] : ''}${words[index]}`
    if (!fits(`${next}${ELLIPSIS}`)) break
    kept = next
  }
  return kept ? `${kept.replace(/[\s,;:.!?-]+$/, '')}${ELLIPSIS}` : ''
}

/**
 * The post for one network: the template filled in, cut to the network's limit if need be (summary
 * first, then title, between words). Throws when even the link alone does not fit (a template with
 * too much fixed text): the post cannot be made, and staff must say what to write.
 */
export function fitPost(network: SocialNetwork, template: string, parts: PostParts): FittedPost {
  const limit = POST_LIMITS[network]
  const build = (summary: string, title: string) => {
    const rendered = render(template, { ...parts, summary, title }, network)
    return { ...rendered, length: measure(network, rendered.text) }
  }
  let post = build(parts.summary, parts.title)
  if (post.length > limit) {
    const summary = cutToWords(parts.summary, (candidate) => build(candidate, parts.title).length <= limit)
    post = build(summary, parts.title)
    if (post.length > limit) {
      const title = cutToWords(parts.title, (candidate) => build('', candidate).length <= limit)
      post = build('', title)
    }
  }
  if (post.length > limit) throw new Error(`The post template leaves no room on ${network}: even without title and summary it is ${post.length} of ${limit}.`)
  return { text: post.text, length: post.length, limit, links: post.links }
}

/** Whether staff-edited text fits the network, and its length as the network counts it. */
export function checkPostText(network: SocialNetwork, text: string): { length: number; limit: number; fits: boolean } {
  const limit = POST_LIMITS[network]
  const length = measure(network, text)
  return { length, limit, fits: length <= limit }
}
