import { describe, expect, it } from 'vitest'

import { blueskyLinkText, checkPostText, fitPost, graphemeCount, mastodonLength } from '../../src/channels/social/fit-post'

const TEMPLATE = '{title}\n\n{summary}\n\n{url}'
const URL = 'https://www.northfield-food.example.org/announcements/referral-system-near-breaking-point-2026'
const words = (count: number, word = 'pressure') => Array.from({ length: count }, () => word).join(' ')

describe('counting as the networks count', () => {
  it.each([
    ['plain text', 'Food banks are closing', 22],
    ['a link counts 23 on Mastodon, whatever its length', `See ${URL}`, 4 + 23],
    ['a remote mention counts as its local part', 'Thanks @ann@social.example.org', 'Thanks @ann'.length],
    ['an emoji family is one grapheme', 'Help 👨‍👩‍👧‍👦', 6],
    ['combining characters join their letter', 'Cafe\u0301 e\u0301te\u0301', 8],
    ['a flag is one grapheme', '🇬🇧 statement', 11],
    ['right-to-left text', 'בנק מזון', 8],
  ])('%s (Mastodon)', (_, text, expected) => {
    expect(mastodonLength(text)).toBe(expected)
  })

  it('counts graphemes for Bluesky, and shows a long link shortened', () => {
    expect(graphemeCount('👨‍👩‍👧‍👦 e\u0301')).toBe(3)
    expect(blueskyLinkText('https://example.org/a')).toBe('example.org/a')
    expect(blueskyLinkText(URL)).toBe('www.northfield-food.example.o…')
    expect(graphemeCount(blueskyLinkText(URL))).toBe(30)
  })
})

describe('fitPost', () => {
  const parts = { title: 'Referral system near breaking point', summary: 'Demand doubled in a year; we ask the government to act now.', url: URL }

  it.each(['mastodon', 'bluesky', 'webhook'] as const)('leaves a post that fits alone on %s', (network) => {
    const post = fitPost(network, TEMPLATE, parts)
    expect(post.text.startsWith('Referral system near breaking point\n\nDemand doubled in a year; we ask the government to act now.\n\n')).toBe(true)
    expect(post.length).toBeLessThanOrEqual(post.limit)
  })

  it('keeps the whole link on Mastodon and points a Bluesky facet at it', () => {
    const mastodon = fitPost('mastodon', TEMPLATE, parts)
    expect(mastodon.text.endsWith(URL)).toBe(true)
    expect(mastodon.links).toEqual([{ start: mastodon.text.length - URL.length, end: mastodon.text.length, uri: URL }])
    const bluesky = fitPost('bluesky', TEMPLATE, parts)
    const [link] = bluesky.links
    expect(bluesky.text.slice(link!.start, link!.end)).toBe('www.northfield-food.example.o…')
    expect(link!.uri).toBe(URL)
  })

  it.each([
    ['mastodon', 500],
    ['bluesky', 300],
  ] as const)('cuts a long summary between words on %s, never the link, to exactly within %i', (network, limit) => {
    const post = fitPost(network, TEMPLATE, { ...parts, summary: words(200) })
    expect(post.length).toBeLessThanOrEqual(limit)
    expect(post.length).toBeGreaterThan(limit - 'pressure '.length - 1) // as much as fits
    const [, summary] = post.text.split('\n\n')
    expect(summary).toMatch(/^(pressure )*pressure…$/)
    expect(post.links[0]!.uri).toBe(URL)
  })

  it('drops the summary and cuts the title when the title alone is too long', () => {
    const post = fitPost('bluesky', TEMPLATE, { ...parts, title: words(60, 'emergency') })
    expect(post.length).toBeLessThanOrEqual(300)
    expect(post.text).toMatch(/^(emergency )*emergency…\n\nwww\.northfield/)
  })

  it('never splits an emoji sequence or a combining character when it cuts', () => {
    const summary = Array.from({ length: 120 }, () => 'cafe\u0301 👨‍👩‍👧‍👦').join(' ')
    const post = fitPost('bluesky', TEMPLATE, { ...parts, summary })
    expect(post.length).toBeLessThanOrEqual(300)
    const [, cut] = post.text.split('\n\n')
    expect(cut).toMatch(/^(cafe\u0301 👨‍👩‍👧‍👦 )*cafe\u0301( 👨‍👩‍👧‍👦)?…$/u)
  })

  it('refuses a template that leaves no room for the link', () => {
    expect(() => fitPost('bluesky', `${'x'.repeat(299)} {url}`, parts)).toThrow(/leaves no room on bluesky/)
  })

  it('checks staff-edited text the network’s way', () => {
    expect(checkPostText('mastodon', `${'a'.repeat(476)} ${URL}`)).toEqual({ length: 500, limit: 500, fits: true })
    expect(checkPostText('mastodon', `${'a'.repeat(477)} ${URL}`)).toEqual({ length: 501, limit: 500, fits: false })
    expect(checkPostText('bluesky', '👨‍👩‍👧‍👦'.repeat(300)).fits).toBe(true)
    expect(checkPostText('bluesky', '👨‍👩‍👧‍👦'.repeat(301)).fits).toBe(false)
  })
})
