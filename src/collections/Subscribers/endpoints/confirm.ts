import type { PayloadHandler, PayloadRequest } from 'payload'

import { escapeHtml } from '@/domain/escape-html'
import { getEnv } from '@/lib/env'
import { overPageLimit } from '@/site/page-limits'
import { page } from '@/site/simple-page'
import { logger } from '@/lib/logger'
import { siteContext } from '@/site/public-items'
import type { SiteContext } from '@/site/site-page'
import { verifySubscriberToken } from '@/subscribers/tokens'
import type { Subscriber } from '@/payload-types'

const CLOSED = new Set<Subscriber['status']>(['unsubscribed', 'bounced', 'complained'])

const subscribedPage = (site: SiteContext) =>
  page(site, 200, 'You are subscribed', `<p>Thank you. Alerts from ${escapeHtml(site.organisation)} will come to this address. Every message has a link to leave.</p>`)

/**
 * The subscriber a confirmation link names, or the page to answer instead: a 429 over the address's
 * budget, a 400 for an altered or expired link, a 410 for a sign-up that is closed.
 */
async function fromLink(req: PayloadRequest): Promise<{ site: SiteContext; token: string; subscriber: Subscriber } | { answer: Response }> {
  const token = req.searchParams.get('token') ?? ''
  const subscriberId = verifySubscriberToken(getEnv().PAYLOAD_SECRET, 'confirm', token)
  const site = await siteContext(req.payload)
  const refused = await overPageLimit('confirm', req.headers, async () => site)
  if (refused) return { answer: refused }
  if (!subscriberId) {
    return { answer: page(site, 400, 'This link does not work', '<p>The confirmation link has expired or is incomplete. Sign up again to get a new one.</p>') }
  }
  const subscriber = await req.payload.findByID({ collection: 'subscribers', id: subscriberId, depth: 0, disableErrors: true })
  if (!subscriber || CLOSED.has(subscriber.status)) {
    return { answer: page(site, 410, 'This sign-up is closed', '<p>This address is not waiting for confirmation any more. Sign up again if you want alerts.</p>') }
  }
  return { site, token, subscriber }
}

/**
 * GET /api/subscribers/confirm?token=…: the link in the confirmation message opens a page with one
 * Confirm button and changes nothing. Mail filters in many organisations open every link in a message
 * to check it; a GET that confirmed would sign up people who never asked.
 */
export const showConfirmation: PayloadHandler = async (req) => {
  const link = await fromLink(req)
  if ('answer' in link) return link.answer
  const { site, token, subscriber } = link
  if (subscriber.status === 'confirmed') return subscribedPage(site)
  return page(
    site,
    200,
    'Confirm your alerts',
    `<p>Get alerts from ${escapeHtml(site.organisation)} at this address?</p><form method="post" action="/api/subscribers/confirm?token=${encodeURIComponent(token)}"><button type="submit">Confirm</button></form>`,
  )
}

/**
 * POST /api/subscribers/confirm?token=…, from that button: confirms a pending sign-up and records the
 * consent (when, through which form wording), then shows a page saying so. Confirming twice is fine.
 */
export const confirm: PayloadHandler = async (req) => {
  const link = await fromLink(req)
  if ('answer' in link) return link.answer
  const { site, subscriber } = link
  if (subscriber.status === 'pending') {
    await req.payload.update({
      collection: 'subscribers',
      id: subscriber.id,
      data: { status: 'confirmed', consent: { ...subscriber.consent, givenAt: new Date().toISOString() } },
      depth: 0,
    })
    logger.info({ route: 'confirm', subscriberId: subscriber.id }, 'subscriber confirmed')
  }
  return subscribedPage(site)
}
