import { sql } from '@payloadcms/db-postgres'
import type { Payload } from 'payload'

import type { SendGridMailer } from '@/channels/email/sendgrid-mailer'
import { confirmationMessage } from '@/subscribers/confirmation-message'
import { CONFIRM_DAYS, confirmationUrl } from '@/subscribers/confirmation-link'
import type { Env } from '@/lib/env'
import { isMongo, runSql, sqlList } from '@/lib/postgres-sql'
import { siteBaseUrl } from '@/site/site-url'

const CONFIRM_URL = '{{confirm_url}}'
const BATCH = 1000
/** Per sweep, so one big import does not hold the scheduler; the next sweep carries on. */
const MAX_BATCHES = 20

async function markSent(payload: Payload, ids: (number | string)[], at: Date): Promise<void> {
  if (isMongo(payload)) {
    await payload.update({ collection: 'subscribers', where: { id: { in: ids } }, data: { confirmationSentAt: at.toISOString() }, depth: 0 })
    return
  }
  await runSql(payload, sql`update subscribers set confirmation_sent_at = ${at.toISOString()} where id in (${sqlList(ids)})`)
}

/**
 * Sends the confirmation message to imported people whose import asked for one (they are pending and
 * were never sent a link): a SendGrid request per thousand, each person with their own signed link.
 * They are marked once SendGrid accepted the request, so a refused or failed request is tried again at
 * the next sweep; a crash between the two sends that thousand a second copy of the same link, which
 * is better than never asking them. Returns how many were sent.
 */
export async function sendImportConfirmations(payload: Payload, mailer: SendGridMailer, env: Pick<Env, 'PAYLOAD_SECRET' | 'PUBLIC_URL'>): Promise<number> {
  const site = await payload.findGlobal({ slug: 'site', depth: 0 })
  let sent = 0
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const { docs } = await payload.find({
      collection: 'subscribers',
      where: { status: { equals: 'pending' }, confirmationSentAt: { exists: false }, 'consent.source': { equals: 'import' } },
      sort: 'id',
      limit: BATCH,
      pagination: false,
      depth: 0,
      select: { email: true },
    })
    if (docs.length === 0) break
    if (!site.senderEmail) throw new Error('Imported people are waiting for their confirmation email, but there is no sender: set "Sender email" in the Site settings.')
    const siteUrl = siteBaseUrl(site.publicUrl, env)
    const now = new Date()
    await mailer.send({
      from: { email: site.senderEmail, name: site.senderName || site.organisationName },
      ...confirmationMessage(site.organisationName, CONFIRM_URL, CONFIRM_DAYS),
      recipients: docs.map((subscriber) => ({
        email: subscriber.email,
        substitutions: { [CONFIRM_URL]: confirmationUrl(env.PAYLOAD_SECRET, siteUrl, subscriber.id, now.getTime()) },
        customArgs: { subscriber: String(subscriber.id), purpose: 'confirmation' },
      })),
    })
    await markSent(
      payload,
      docs.map((subscriber) => subscriber.id),
      now,
    )
    sent += docs.length
  }
  return sent
}
