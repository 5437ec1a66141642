/**
 * Publishes one statement on the database the environment names, as an editor would, from a process
 * of its own: for tests that run several installations (databases) at once, while the test process
 * holds none of them. The first run on a database also sets the sender, signs up SUBSCRIBERS people
 * and adds a Mastodon account at MASTODON_URL. Prints the item and its outbox event as JSON.
 * TITLE and URGENCY (urgent | standard) say what to publish.
 */
import type { Payload } from 'payload'

import { body } from './content'

const title = process.env.TITLE!
const urgency = process.env.URGENCY === 'urgent' ? 'urgent' : 'standard'

async function prepareOnce(payload: Payload) {
  const site = await payload.findGlobal({ slug: 'site' })
  if (site.senderEmail) return
  await payload.updateGlobal({ slug: 'site', data: { organisationName: 'Northfield Food Network', senderEmail: 'alerts@example.org' } })
  for (let n = 1; n <= Number(process.env.SUBSCRIBERS ?? 0); n++) {
    await payload.create({ collection: 'subscribers', data: { email: `reader-${n}@example.net`, status: 'confirmed' } })
  }
  if (process.env.MASTODON_URL) {
    await payload.create({
      collection: 'accounts',
      data: { network: 'mastodon', displayName: 'Northfield', baseUrl: process.env.MASTODON_URL, secret: process.env.MASTODON_TOKEN!, urgencies: ['urgent', 'standard'], schedule: { timeZone: 'Europe/London', slots: [] } },
    })
  }
}

const { getPayload } = await import('payload')
const { default: config } = await import('../../payload.config')
const payload = await getPayload({ config })
await prepareOnce(payload)
const item = await payload.create({ collection: 'announcements', data: { title, summary: `${title}: the summary.`, body, urgency, _status: 'published' } })
const { docs } = await payload.find({ collection: 'outbox-events', where: { itemId: { equals: String(item.id) } }, depth: 0, limit: 1 })
console.log(JSON.stringify({ itemId: item.id, slug: item.slug, eventId: docs[0]!.id, eventUid: docs[0]!.uid }))
await payload.destroy()
process.exit(0)
