import { describe, expect, it } from 'vitest'

import { linkFacets } from '../../src/channels/social/bluesky-facets'
import { blueskyLinkText } from '../../src/channels/social/fit-post'
import { parseBudgets } from '../../src/channels/social/rate-budgets'

const covered = (text: string, facet: { index: { byteStart: number; byteEnd: number } }) => Buffer.from(text).subarray(facet.index.byteStart, facet.index.byteEnd).toString()

describe('linkFacets', () => {
  const link = 'https://news.example.org/announcements/referral-system-near-breaking-point-say-food-banks'

  it.each([
    ['the shortened link after plain text', `Referrals up 34%\n\n${blueskyLinkText(link)}`],
    ['after emoji and combining characters', `🚨🇬🇧 Café: e\u0301 — ${blueskyLinkText(link)}`],
    ['after right-to-left text', `بنك الطعام ${blueskyLinkText(link)}`],
  ])('covers %s, byte for byte, and links it whole', (_, text) => {
    const facets = linkFacets(text, link)
    expect(facets).toHaveLength(1)
    expect(covered(text, facets[0]!)).toBe(blueskyLinkText(link))
    expect(facets[0]!.features).toEqual([{ $type: 'app.bsky.richtext.facet#link', uri: link }])
  })

  it('links a full URL staff typed, and the item link written out whole only once', () => {
    const text = `See ${link} and https://example.org/appeal.`
    const facets = linkFacets(text, link)
    expect(facets.map((facet) => [covered(text, facet), facet.features[0]!.uri])).toEqual([
      [link, link],
      ['https://example.org/appeal', 'https://example.org/appeal'],
    ])
  })

  it('gives no facet to text without a link', () => {
    expect(linkFacets('No link here.', link)).toEqual([])
  })
})

describe('parseBudgets', () => {
  it('reads points per seconds for each network', () => {
    expect(parseBudgets('mastodon=300/300, bluesky=5000/3600')).toEqual({ mastodon: { points: 300, seconds: 300 }, bluesky: { points: 5000, seconds: 3600 } })
  })

  it('refuses what is not network=points/seconds, naming it', () => {
    expect(() => parseBudgets('mastodon=300')).toThrow('"mastodon=300" is not network=points/seconds')
    expect(() => parseBudgets('twitter=1/1')).toThrow('"twitter=1/1"')
    expect(() => parseBudgets('bluesky=0/60')).toThrow('"bluesky=0/60"')
  })
})
