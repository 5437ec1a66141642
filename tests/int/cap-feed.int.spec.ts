/**
 * /alerts.cap.xml: the urgent statements as an Atom index of CAP 1.2 alerts. Alert, Update and Cancel
 * messages with their references, nothing standard, draft or withdrawn, identifiers that never
 * change, 304 by ETag; every message checked against CAP 1.2's structure (tests/helpers/cap-rules.ts).
 */
import { XMLParser } from 'fast-xml-parser'
import type { Payload } from 'payload'
import { afterAll, beforeAll, expect, it } from 'vitest'

import type { Announcement } from '@/payload-types'

import { capTime } from '../../src/channels/feeds/render/cap'
import { capViolations } from '../helpers/cap-rules'
import { body } from '../helpers/content'
import { startTestPayload, type TestPayload } from '../helpers/payload'

const SITE = 'https://news.example.org'
let ctx: TestPayload
let payload: Payload

beforeAll(async () => {
  ctx = await startTestPayload({ PUBLIC_URL: SITE, DELIVERY_CHANNELS: 'log', LOG_LEVEL: 'error' })
  payload = ctx.payload
  await payload.updateGlobal({ slug: 'site', data: { organisationName: 'Northfield Food Network' } })
})
afterAll(async () => {
  await ctx?.stop()
})

const publish = (title: string, data: Partial<Announcement> = {}) =>
  payload.create({ collection: 'announcements', data: { title, summary: `${title}: what is happening.`, body, urgency: 'urgent', _status: 'published', ...data } })

async function getIndex(headers: Record<string, string> = {}) {
  const response = await (await import('@/app/(site)/alerts.cap.xml/route')).GET(new Request(`${SITE}/alerts.cap.xml`, { headers }))
  return { status: response.status, headers: response.headers, text: await response.text() }
}

type Entry = { id: string; title: { '#text': string }; link: { '@_href': string } }
/** The index's entries with their alerts, each alert as its own document. */
function entriesOf(xml: string) {
  const feed = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'entry' }).parse(xml).feed as { entry?: Entry[] }
  const alerts = [...xml.matchAll(/<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">[\s\S]*?<\/alert>/g)].map((match) => match[0])
  const fields = (alert: string) => new XMLParser({ parseTagValue: false }).parse(alert).alert as Record<string, string> & { info: Record<string, string> }
  return (feed.entry ?? []).map((entry, index) => ({ entry: { id: entry.id, title: entry.title['#text'], link: entry.link['@_href'] }, xml: alerts[index]!, alert: fields(alerts[index]!) }))
}

it('lists the urgent statements as CAP 1.2 alerts, updates and cancellations referencing the earlier message', async () => {
  const expiresAt = new Date(Date.now() + 7 * 24 * 3600_000).toISOString()
  const first = await publish('Referral system under strain', { expiresAt })
  const update = await publish('Referral system near breaking point', { supersedes: first.id, supersession: 'update' })
  const mistaken = await publish('Warehouse closed')
  const cancellation = await publish('Warehouse open after all', { supersedes: mistaken.id, supersession: 'cancel' })
  const standard = await publish('Annual report out', { urgency: 'standard' })
  const draft = await payload.create({ collection: 'announcements', data: { title: 'Not yet', summary: 's', body, urgency: 'urgent' }, draft: true })

  const index = await getIndex()
  expect(index.status).toBe(200)
  expect(index.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8')
  const entries = entriesOf(index.text)
  // Newest first; the cancelled statement has left, the standard one and the draft never came.
  expect(entries.map(({ entry }) => entry.title)).toEqual(['Warehouse open after all', 'Referral system near breaking point', 'Referral system under strain'])
  expect(index.text).not.toContain(standard.title)
  expect(index.text).not.toContain(draft.title)
  expect(index.text).not.toContain(`${mistaken.feedGuid}</identifier>`)

  for (const { xml } of entries) expect(capViolations(xml), xml).toEqual([])

  const byTitle = (title: string) => entries.find(({ entry }) => entry.title === title)!
  const alertOf = (item: Announcement) => byTitle(item.title)
  const reference = (item: Announcement) => `news.example.org,${item.feedGuid},${capTime(item.publishedAt!)}`

  const original = alertOf(first)
  expect(original.entry).toMatchObject({ id: first.feedGuid, link: `${SITE}/announcements/${first.slug}` })
  expect(original.alert).toMatchObject({ identifier: first.feedGuid, sender: 'news.example.org', sent: capTime(first.publishedAt!), status: 'Actual', msgType: 'Alert', scope: 'Public' })
  expect(original.alert.references).toBeUndefined()
  expect(original.alert.info).toEqual({
    category: 'Other',
    event: 'Urgent statement',
    urgency: 'Immediate',
    severity: 'Moderate',
    certainty: 'Observed',
    expires: capTime(expiresAt),
    senderName: 'Northfield Food Network',
    headline: 'Referral system under strain',
    description: 'Referral system under strain: what is happening.',
    web: `${SITE}/announcements/${first.slug}`,
  })
  expect(alertOf(update).alert).toMatchObject({ msgType: 'Update', references: reference(first) })
  expect(alertOf(cancellation).alert).toMatchObject({ msgType: 'Cancel', references: reference(mistaken) })
})

it('keeps a message identifier through edits, and answers 304 to the same ETag until the index changes', async () => {
  const item = await publish('Food parcels running out')
  const before = await getIndex()
  const etag = before.headers.get('etag')!
  expect(etag).toMatch(/^"cap-/)
  expect((await getIndex({ 'if-none-match': etag })).status).toBe(304)

  await payload.update({ collection: 'announcements', id: item.id, data: { title: 'Food parcels running out in three regions' } })
  const after = await getIndex({ 'if-none-match': etag })
  expect(after.status).toBe(200)
  expect(after.headers.get('etag')).not.toBe(etag)
  const edited = entriesOf(after.text).find(({ entry }) => entry.title === 'Food parcels running out in three regions')!
  expect(edited.alert.identifier).toBe(item.feedGuid)
  expect(edited.alert.info.headline).toBe('Food parcels running out in three regions')
})

it('finds what is wrong in an alert that breaks CAP 1.2', () => {
  const broken = `<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>a b</identifier><sent>2026-11-29T08:00:00Z</sent><sender>x</sender><status>Live</status><msgType>Alert</msgType><scope>Public</scope><info><category>Other</category><urgency>Immediate</urgency><severity>Moderate</severity><certainty>Observed</certainty></info></alert>`
  expect(capViolations(broken)).toEqual(
    expect.arrayContaining([
      'alert: sender missing (or out of order)',
      'alert/identifier: "a b" has a space, comma, < or &',
      'alert/sent: "2026-11-29T08:00:00Z" is not a CAP date-time',
      'alert/status: "Live" is not one of Actual, Exercise, System, Test, Draft',
      'info[0]: event missing (or out of order)',
    ]),
  )
  expect(capViolations('<alert xmlns="urn:oasis:names:tc:emergency:cap:1.1"><identifier>x</identifier></alert>')).toContain('alert is not in the CAP 1.2 namespace')
})
