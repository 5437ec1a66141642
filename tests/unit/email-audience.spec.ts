import { describe, expect, it } from 'vitest'

import { wantsAlert } from '../../src/channels/email/audience'
import { emailSubject, personalLinkPlaceholders, renderEmail } from '../../src/channels/email/email-message'

describe('wantsAlert', () => {
  const standard = { topicIds: ['1', '2'], urgent: false }
  const urgent = { topicIds: ['1'], urgent: true }

  it('follows topics: none chosen means all; one shared is enough', () => {
    expect(wantsAlert(standard, { topics: [] })).toBe(true)
    expect(wantsAlert(standard, { topics: null })).toBe(true)
    expect(wantsAlert(standard, { topics: [2] })).toBe(true)
    expect(wantsAlert(standard, { topics: [{ id: 1 }] })).toBe(true)
    expect(wantsAlert(standard, { topics: [3] })).toBe(false)
    expect(wantsAlert({ topicIds: [], urgent: false }, { topics: [3] })).toBe(true)
  })

  it('gives urgent-only people urgent items only', () => {
    expect(wantsAlert(standard, { urgentOnly: true })).toBe(false)
    expect(wantsAlert(urgent, { urgentOnly: true })).toBe(true)
    expect(wantsAlert(urgent, { urgentOnly: true, topics: [9] })).toBe(false)
  })
})

describe('renderEmail', () => {
  const item = { title: 'Fish & <chips>', summary: 'A "summary"', urgent: true, url: 'https://example.org/a?x=1&y=2', bodyHtml: '<p>Body</p>', bodyText: 'Body' }
  const sender = { organisation: 'Food & Shelter', postalAddress: '1 High St\nNorthfield' }
  const links = personalLinkPlaceholders('n0nce')
  const { unsubscribe: UNSUBSCRIBE_URL, preferences: PREFERENCES_URL } = links

  it('escapes what staff typed, marks urgency, and carries the footer and the preferences and unsubscribe placeholders', () => {
    expect(links).toEqual({ unsubscribe: '{{unsubscribe_url_n0nce}}', preferences: '{{preferences_url_n0nce}}' })
    const { subject, html, text } = renderEmail(item, sender, links)
    expect(subject).toBe('URGENT: Fish & <chips>')
    expect(html).toContain('<title>URGENT: Fish &amp; &lt;chips&gt;</title>')
    expect(html).toContain('<h1 style="font-size:24px;line-height:1.25;margin:0 0 12px">Fish &amp; &lt;chips&gt;</h1>')
    expect(html).toContain('href="https://example.org/a?x=1&amp;y=2"')
    expect(html).toContain('Urgent statement')
    expect(html).toContain('Food &amp; Shelter<br>1 High St<br>Northfield')
    expect(html).toContain(`href="${UNSUBSCRIBE_URL}"`)
    expect(html).toContain(`href="${PREFERENCES_URL}"`)
    expect(text).toContain(`Change what you receive: ${PREFERENCES_URL}`)
    expect(html).toContain('<html lang="en">')
    expect(text.split('\n').slice(0, 5)).toEqual(['URGENT STATEMENT', '', 'Fish & <chips>', '', 'A "summary"'])
    expect(text).toContain(`Unsubscribe: ${UNSUBSCRIBE_URL}`)
    expect(text).toContain('Read it on our website: https://example.org/a?x=1&y=2')
  })

  it('leaves a standard item unmarked', () => {
    expect(emailSubject({ title: 'Update', urgent: false })).toBe('Update')
    const { html, text } = renderEmail({ ...item, urgent: false }, sender, links)
    expect(html).not.toContain('Urgent statement')
    expect(text.startsWith('Fish & <chips>')).toBe(true)
  })
})
