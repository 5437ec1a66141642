/**
 * /alerts.cap.xml: the urgent statements' CAP 1.2 messages as an Atom index. Each publication,
 * correction and withdrawal is a message of its own (Alert, Update, Cancel with references), its
 * identifier and time the same on every read, UTC written -00:00; every message the tests see is
 * validated by xmllint against OASIS's schema (tests/standards/CAP-v1.2.xsd).
 */
import { parseAtomFeed } from 'feedsmith'
import { XMLParser } from 'fast-xml-parser'
import { parseDocument, DomUtils } from 'htmlparser2'
import type { Payload } from 'payload'
import { afterAll, beforeAll, expect, it } from 'vitest'

import type { Announcement } from '@/payload-types'

import { capIndex, CANCEL_LISTED_MS } from '../../src/channels/feeds/cap-index'
import { feedSettings } from '../../src/channels/feeds/feed-settings'
import { getEnv } from '../../src/lib/env'
import { capMessagesIn, capSchemaErrors } from '../helpers/cap-schema'
import { body } from '../helpers/content'
import { startTestPayload, type TestPayload } from '../helpers/payload'

const SITE = 'https://news.example.org'
const SENDER = 'news.example.org'
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

type Alert = Record<string, string> & { info: Record<string, string> }
type Message = { entry: { id?: string; title?: string; link?: string }; alert: Alert }

/** Every message of an index, each checked against the official schema and CAP's own rules first. */
function messagesOf(xml: string): Message[] {
  const feed = parseAtomFeed(xml)
  const alerts = capMessagesIn(xml)
  expect(alerts).toHaveLength(feed.entries?.length ?? 0)
  return alerts.map((alertXml, index) => {
    expect(capSchemaErrors(alertXml), alertXml).toBe('')
    const alert = new XMLParser({ parseTagValue: false }).parse(alertXml).alert as Alert
    // What the schema cannot say: UTC is written -00:00 (CAP 1.2 §3.3.2), and identifiers carry no delimiters.
    for (const time of [alert.sent, alert.info.expires, ...(alert.references ?? '').split(/[ ,]/).filter((part) => /^\d{4}-/.test(part))]) {
      if (time) expect(time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-00:00$/)
    }
    expect(alert.identifier).toMatch(/^[^\s,<&]+$/)
    const entry = feed.entries![index]!
    expect(entry.id).toBe(alert.identifier)
    return { entry: { id: entry.id, title: entry.title?.value, link: entry.links?.find((link) => link.rel === 'alternate')?.href }, alert }
  })
}

const readMessages = async () => {
  const index = await getIndex()
  expect(index.status).toBe(200)
  return messagesOf(index.text)
}
const byHeadline = (messages: Message[], headline: string) => messages.filter(({ alert }) => alert.info.headline === headline)
const referenceTo = (message: Message) => `${SENDER},${message.alert.identifier},${message.alert.sent}`
const unpublish = (item: Announcement) => payload.update({ collection: 'announcements', id: item.id, data: { _status: 'draft' } })

it('sends an Alert on publish and an Update of it for each correction, each its own message, the same on every read', async () => {
  const expiresAt = new Date(Date.now() + 7 * 24 * 3600_000).toISOString()
  const item = await publish('Referral system under strain', { expiresAt })
  const [alert] = byHeadline(await readMessages(), 'Referral system under strain')
  expect(alert!.alert).toMatchObject({ sender: SENDER, status: 'Actual', msgType: 'Alert', scope: 'Public' })
  expect(alert!.alert.references).toBeUndefined()
  expect(alert!.alert.identifier).toMatch(/^urn:uuid:[0-9a-f-]{36}$/)
  expect(alert!.alert.identifier).not.toBe(item.feedGuid)
  expect(alert!.alert.info).toEqual({
    category: 'Other',
    event: 'Urgent statement',
    urgency: 'Immediate',
    severity: 'Moderate',
    certainty: 'Observed',
    expires: `${expiresAt.slice(0, 19)}-00:00`,
    senderName: 'Northfield Food Network',
    headline: 'Referral system under strain',
    description: 'Referral system under strain: what is happening.',
    web: `${SITE}/announcements/${item.slug}`,
  })
  expect(alert!.entry).toEqual({ id: alert!.alert.identifier, title: 'Referral system under strain', link: `${SITE}/announcements/${item.slug}` })
  // Stable: the same identifier and time on the next read.
  expect(byHeadline(await readMessages(), 'Referral system under strain')[0]!.alert).toEqual(alert!.alert)

  await payload.update({ collection: 'announcements', id: item.id, data: { title: 'Referral system near breaking point' } })
  const after = await readMessages()
  expect(byHeadline(after, 'Referral system under strain')).toEqual([])
  const [update] = byHeadline(after, 'Referral system near breaking point')
  expect(update!.alert).toMatchObject({ msgType: 'Update', references: referenceTo(alert!) })
  expect(update!.alert.identifier).not.toBe(alert!.alert.identifier)

  await payload.update({ collection: 'announcements', id: item.id, data: { summary: 'Waiting lists doubled in a week.' } })
  const [second] = byHeadline(await readMessages(), 'Referral system near breaking point')
  expect(second!.alert).toMatchObject({ msgType: 'Update', references: referenceTo(update!) })
  expect(second!.alert.info.description).toBe('Waiting lists doubled in a week.')
  expect(byHeadline(await readMessages(), 'Referral system near breaking point')[0]!.alert).toEqual(second!.alert)
})

it('sends a Cancel whenever an urgent statement is withdrawn: unpublished, cancelled by an urgent or a standard statement, or made standard', async () => {
  const unpublished = await publish('Centre closed today')
  const byUrgent = await publish('Warehouse closed')
  const byStandard = await publish('Deliveries suspended')
  const madeStandard = await publish('Queue at the depot')
  const alerts = await readMessages()
  const alertOf = (item: Announcement) => byHeadline(alerts, item.title)[0]!

  await unpublish(unpublished)
  const urgentCanceller = await publish('Warehouse open after all', { supersedes: byUrgent.id, supersession: 'cancel' })
  const standardCanceller = await publish('Deliveries resume', { urgency: 'standard', supersedes: byStandard.id, supersession: 'cancel' })
  await payload.update({ collection: 'announcements', id: madeStandard.id, data: { urgency: 'standard' } })

  const messages = await readMessages()
  const cancelOf = (item: Announcement) => messages.filter(({ alert }) => alert.msgType === 'Cancel' && alert.references === referenceTo(alertOf(item)))
  expect(cancelOf(unpublished)).toEqual([
    expect.objectContaining({
      alert: expect.objectContaining({
        info: expect.objectContaining({ headline: 'Centre closed today', description: 'Northfield Food Network has withdrawn this statement.', web: `${SITE}/announcements/${unpublished.slug}` }),
      }),
    }),
  ])
  for (const [cancelled, canceller] of [
    [byUrgent, urgentCanceller],
    [byStandard, standardCanceller],
  ] as const) {
    expect(cancelOf(cancelled)).toEqual([
      expect.objectContaining({
        alert: expect.objectContaining({
          info: expect.objectContaining({ headline: canceller.title, description: canceller.summary, web: `${SITE}/announcements/${canceller.slug}` }),
        }),
      }),
    ])
  }
  expect(cancelOf(madeStandard)).toEqual([expect.objectContaining({ alert: expect.objectContaining({ info: expect.objectContaining({ description: 'Northfield Food Network no longer treats this statement as urgent.' }) }) })])
  // The urgent canceller is also an alert of its own; the standard one appears only in the Cancel.
  expect(byHeadline(messages, 'Warehouse open after all').map(({ alert }) => [alert.msgType, alert.references]).sort()).toEqual([
    ['Alert', undefined],
    ['Cancel', referenceTo(alertOf(byUrgent))],
  ])
  expect(byHeadline(messages, 'Deliveries resume').map(({ alert }) => alert.msgType)).toEqual(['Cancel'])
  // No withdrawn statement's own message is listed any more, only its Cancel.
  for (const item of [unpublished, byUrgent, byStandard, madeStandard]) {
    expect(messages.filter(({ alert }) => alert.identifier === alertOf(item).alert.identifier)).toEqual([])
  }

  // A day later the Cancels have done their work and leave the index.
  const later = await capIndex(payload, await feedSettings(payload, getEnv()), new Date(Date.now() + CANCEL_LISTED_MS + 60_000))
  expect(later.messages.filter((message) => message.msgType === 'Cancel')).toEqual([])
})

it('makes a statement that updates an earlier urgent one an Update of its message, and leaves out standard statements and drafts', async () => {
  const earlier = await publish('Food parcels running low')
  const earlierAlert = byHeadline(await readMessages(), earlier.title)[0]!
  const newer = await publish('Food parcels running out', { supersedes: earlier.id, supersession: 'update' })
  const overStandard = await publish('Pantry hours change', { supersedes: (await publish('Pantry hours', { urgency: 'standard' })).id, supersession: 'update' })
  const standard = await publish('Annual report out', { urgency: 'standard' })
  const draft = await payload.create({ collection: 'announcements', data: { title: 'Not yet', summary: 's', body, urgency: 'urgent' }, draft: true })

  const messages = await readMessages()
  expect(byHeadline(messages, newer.title)[0]!.alert).toMatchObject({ msgType: 'Update', references: referenceTo(earlierAlert) })
  // The earlier statement stays up, with its own message.
  expect(byHeadline(messages, earlier.title)[0]!.alert).toEqual(earlierAlert.alert)
  // An update of a statement that never was a CAP message starts as an Alert.
  expect(byHeadline(messages, overStandard.title)[0]!.alert.msgType).toBe('Alert')
  const index = await getIndex()
  expect(index.text).not.toContain(standard.title)
  expect(index.text).not.toContain(draft.title)
})

it('answers 304 to the same ETag until the index changes', async () => {
  const item = await publish('Shelter beds full')
  const before = await getIndex()
  const etag = before.headers.get('etag')!
  expect(before.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8')
  expect(etag).toMatch(/^"cap-/)
  expect((await getIndex({ 'if-none-match': etag })).status).toBe(304)
  await payload.update({ collection: 'announcements', id: item.id, data: { title: 'Shelter beds full in three towns' } })
  const after = await getIndex({ 'if-none-match': etag })
  expect(after.status).toBe(200)
  expect(after.headers.get('etag')).not.toBe(etag)
})

it('is linked from the pages for autodiscovery', async () => {
  const response = await (await import('@/app/(site)/route')).GET(new Request(`${SITE}/`))
  const links = DomUtils.getElementsByTagName('link', parseDocument(await response.text())).filter((link) => link.attribs.rel === 'alternate' && link.attribs.href === `${SITE}/alerts.cap.xml`)
  expect(links.map((link) => link.attribs)).toEqual([
    { rel: 'alternate', type: 'application/atom+xml', title: 'Northfield Food Network: urgent statements (CAP 1.2 alerts)', href: `${SITE}/alerts.cap.xml` },
  ])
})

it('validates with the official schema only what CAP 1.2 allows', () => {
  const valid = `<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>x</identifier><sender>a.example</sender><sent>2026-11-29T08:00:00-00:00</sent><status>Actual</status><msgType>Alert</msgType><scope>Public</scope></alert>`
  expect(capSchemaErrors(valid)).toBe('')
  for (const broken of [
    valid.replace('-00:00', 'Z'),
    valid.replace('Actual', 'Live'),
    valid.replace('<sender>a.example</sender>', ''),
    valid.replace('cap:1.2', 'cap:1.1'),
    valid.replace('<scope>Public</scope>', '<scope>Public</scope><info><category>Other</category></info>'),
  ]) {
    expect(capSchemaErrors(broken), broken).not.toBe('')
  }
})
