import { blueskyLinkText } from './fit-post'

/** A Bluesky link facet: the UTF-8 byte range of the text it covers, and where it goes. */
export type LinkFacet = {
  $type: 'app.bsky.richtext.facet'
  index: { byteStart: number; byteEnd: number }
  features: { $type: 'app.bsky.richtext.facet#link'; uri: string }[]
}

const FULL_URL = /https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]}'"]/g
const utf8Length = (text: string) => Buffer.byteLength(text, 'utf8')

/**
 * The link facets of a post's text as it is about to go out (staff may have edited it): the item's
 * link where it appears in its shortened form (as the post was written) or whole, and any other full
 * URL staff typed. Bluesky shows plain text otherwise, so every link needs its facet.
 */
export function linkFacets(text: string, link: string): LinkFacet[] {
  const ranges: { start: number; end: number; uri: string }[] = []
  const covered = (start: number, end: number) => ranges.some((range) => start < range.end && end > range.start)
  for (const match of text.matchAll(FULL_URL)) ranges.push({ start: match.index, end: match.index + match[0].length, uri: match[0] })
  const shown = blueskyLinkText(link)
  for (let from = text.indexOf(shown); from >= 0; from = text.indexOf(shown, from + shown.length)) {
    if (!covered(from, from + shown.length)) ranges.push({ start: from, end: from + shown.length, uri: link })
  }
  return ranges
    .sort((a, b) => a.start - b.start)
    .map((range) => ({
      $type: 'app.bsky.richtext.facet',
      index: { byteStart: utf8Length(text.slice(0, range.start)), byteEnd: utf8Length(text.slice(0, range.end)) },
      features: [{ $type: 'app.bsky.richtext.facet#link', uri: range.uri }],
    }))
}
