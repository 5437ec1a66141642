import type { PayloadHandler } from 'payload'

import { escapeHtml } from '@/domain/escape-html'
import { getEnv } from '@/lib/env'
import { overPageLimit } from '@/site/page-limits'
import { page } from '@/site/simple-page'
import { logger } from '@/lib/logger'
import { siteContext } from '@/site/public-items'
import { verifySubscriberToken } from '@/subscribers/tokens'

/**
 * GET /api/subscribers/confirm?token=…: the one click in the confirmation message. Confirms a pending
 * sign-up and records the consent (when, through which form wording), then shows a page saying so.
 */
export const confirm: PayloadHandler = async (req) => {
  const token = req.searchParams.get('token') ?? ''
  const subscriberId = verifySubscriberToken(getEnv().PAYLOAD_SECRET, 'confirm', token)
  const site = await siteContext(req.payload)
  const refused = await overPageLimit('confirm', req.headers, async () => site)
  if (refused) return refused
  if (!subscriberId) {
    return page(site, 400, 'This link does not work', '<p>The confirmation link has expired or is incomplete. Sign up again to get a new one.</p>')
  }
  const subscriber = await req.payload.findByID({ collection: 'subscribers', id: subscriberId, depth: 0, disableErrors: true })
  if (!subscriber || subscriber.status === 'unsubscribed' || subscriber.status === 'bounced' || subscriber.status === 'complained') {
    return page(site, 410, 'This sign-up is closed', '<p>This address is not waiting for confirmation any more. Sign up again if you want alerts.</p>')
  }
  if (subscriber.status === 'pending') {
    await req.payload.update({
      collection: 'subscribers',
      id: subscriber.id,
      data: { status: 'confirmed', consent: { ...subscriber.consent, givenAt: new Date().toISOString() } },
      depth: 0,
    })
    logger.info({ route: 'confirm', subscriberId: subscriber.id }, 'subscriber confirmed')
  }
  return page(site, 200, 'You are subscribed', `<p>Thank you. Alerts from ${escapeHtml(site.organisation)} will come to this address. Every message has a link to leave.</p>`)
}
