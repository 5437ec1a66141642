import { describe, expect, it } from 'vitest'

import { CsvImportError, MAX_IMPORT_ROWS, parseSubscriberCsv } from '../../src/subscribers/csv-import'

const TOPICS = new Set(['housing', 'food'])
const now = new Date('2026-11-29T12:00:00Z')

describe('parseSubscriberCsv', () => {
  it('reads a spreadsheet export: header names as people write them, a BOM, quoted fields, CRLF', () => {
    const csv = '\uFEFFE-mail Address,Topics,Urgent only,Consent date,Name\r\n"Ann@Example.org",housing; food,yes,2025-03-01,Ann\r\nbob@example.net,,no,,"Bob, Jr."\r\n\r\n'
    const parsed = parseSubscriberCsv(csv, TOPICS, now)
    expect(parsed).toEqual({
      rows: [
        { line: 2, email: 'ann@example.org', topicSlugs: ['housing', 'food'], urgentOnly: true, consentedAt: new Date('2025-03-01') },
        { line: 3, email: 'bob@example.net', topicSlugs: undefined, urgentOnly: false, consentedAt: undefined },
      ],
      rejected: [],
      rowsRead: 2,
      ignoredColumns: ['Name'],
    })
  })

  it('rejects each bad row with its line and a reason, and keeps the rest', () => {
    const csv = [
      'email,topics,urgent_only,consented_at',
      'good@example.org,,,',
      'not-an-address,,,',
      ',,,',
      'GOOD@example.org,,,',
      'topic@example.org,gardening,,',
      'urgent@example.org,,maybe,',
      'date@example.org,,,last spring',
      'future@example.org,,,2027-01-01',
      `${'x'.repeat(250)}@example.org,,,`,
      'fine@example.org,food,1,2026-01-01T10:00:00Z',
    ].join('\n')
    const parsed = parseSubscriberCsv(csv, TOPICS, now)
    expect(parsed.rows.map((row) => [row.line, row.email])).toEqual([
      [2, 'good@example.org'],
      [11, 'fine@example.org'],
    ])
    expect(parsed.rejected).toEqual([
      { line: 3, email: 'not-an-address', reason: 'not a valid email address' },
      { line: 4, email: '', reason: 'no email address' },
      { line: 5, email: 'good@example.org', reason: 'the same address is on line 2' },
      { line: 6, email: 'topic@example.org', reason: 'there is no topic "gardening"' },
      { line: 7, email: 'urgent@example.org', reason: 'urgent_only must be yes or no, not "maybe"' },
      { line: 8, email: 'date@example.org', reason: 'consented_at is not a date: "last spring"' },
      { line: 9, email: 'future@example.org', reason: 'consented_at is in the future' },
      { line: 10, email: `${'x'.repeat(250)}@example.org`.slice(0, 254), reason: 'not a valid email address' },
    ])
    expect(parsed.rowsRead).toBe(10)
  })

  it('refuses, as a whole, a file it cannot read or that has no email column', () => {
    expect(() => parseSubscriberCsv('', TOPICS)).toThrow(new CsvImportError('The file is empty: it needs a header row with an "email" column, then one row per person.'))
    expect(() => parseSubscriberCsv('name,phone\nAnn,123\n', TOPICS)).toThrow('The header row has no "email" column (it has: "name", "phone").')
    expect(() => parseSubscriberCsv('email\n"unterminated@example.org\n', TOPICS)).toThrow(/^The file is not a readable CSV file: /)
    const tooMany = `email\n${'a@example.org\n'.repeat(MAX_IMPORT_ROWS + 1)}`
    expect(() => parseSubscriberCsv(tooMany, TOPICS)).toThrow(/has 250,001 rows; an import takes at most 250,000/)
  })
})
