import { describe, expect, it } from 'vitest'

import { notModified } from '../../src/lib/http/conditional-get'

const changed = new Date('2026-11-28T10:00:00.750Z')
const check = (headers: Record<string, string>) => notModified(new Headers(headers), '"abc-rss"', changed)

describe('notModified', () => {
  it('matches If-None-Match strongly, weakly, in a list, and as *', () => {
    expect(check({ 'if-none-match': '"abc-rss"' })).toBe(true)
    expect(check({ 'if-none-match': 'W/"abc-rss"' })).toBe(true)
    expect(check({ 'if-none-match': '"x", "abc-rss" ,"y"' })).toBe(true)
    expect(check({ 'if-none-match': '*' })).toBe(true)
    expect(check({ 'if-none-match': '"abc-atom"' })).toBe(false)
    expect(check({ 'if-none-match': '' })).toBe(false)
  })

  it('uses If-Modified-Since only without If-None-Match, at whole seconds', () => {
    expect(check({ 'if-modified-since': changed.toUTCString() })).toBe(true)
    expect(check({ 'if-modified-since': new Date('2026-11-28T11:00:00Z').toUTCString() })).toBe(true)
    expect(check({ 'if-modified-since': new Date('2026-11-28T09:59:59Z').toUTCString() })).toBe(false)
    expect(check({ 'if-modified-since': 'not a date' })).toBe(false)
    expect(check({ 'if-none-match': '"other"', 'if-modified-since': changed.toUTCString() })).toBe(false)
    expect(check({})).toBe(false)
  })
})
