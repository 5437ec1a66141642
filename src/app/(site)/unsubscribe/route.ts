import config from '@payload-config'
import { getPayload } from 'payload'

import { getEnv } from '@/lib/env'
import { BodyTooLarge, boundedText, FORM_BODY_LIMIT } from '@/lib/http/bounded-body'
import { overPageLimit } from '@/site/page-limits'
import { logger } from '@/lib/logger'
import { siteContext } from '@/site/public-items'
import { verifySubscriberToken } from '@/subscribers/tokens'

import { confirmPage, donePage, invalidLink, tooLargePage, tryAgainPage } from './unsubscribe-pages'

export const dynamic = 'force-dynamic'

const subscriberFrom = (request: Request) => {
  const token = new URL(request.url).searchParams.get('token') ?? ''
  return { token, subscriberId: verifySubscriberToken(getEnv().PAYLOAD_SECRET, 'unsubscribe', token) }
}

/** The link in an email opens a page with one button; nothing changes on a GET (link scanners follow links). */
export async function GET(request: Request): Promise<Response> {
  const { token, subscriberId } = subscriberFrom(request)
  const site = await siteContext(await getPayload({ config }))
  const refused = await overPageLimit('unsubscribe', request.headers, async () => site)
  if (refused) return refused
  if (!subscriberId) return invalidLink(site)
  return confirmPage(token, site)
}

/**
 * RFC 8058 one-click unsubscribe: mail clients POST `List-Unsubscribe=One-Click` to the link in the
 * List-Unsubscribe header, and the page's button posts here too. Unsubscribes at once, whatever the
 * body (up to the form limit); saying yes twice is fine.
 */
export async function POST(request: Request): Promise<Response> {
  const { subscriberId } = subscriberFrom(request)
  const payload = await getPayload({ config })
  const site = await siteContext(payload).catch(() => undefined)
  if (!subscriberId) {
    // Only a bad link counts here: mail providers send many people's one-click unsubscribes from
    // a few addresses, and each of those must go through.
    const refused = await overPageLimit('unsubscribe', request.headers, async () => site)
    if (refused) return refused
    logger.warn({ route: '/unsubscribe' }, 'unsubscribe with an invalid token')
    return invalidLink(site)
  }
  if ((await boundedText(request, FORM_BODY_LIMIT, '/unsubscribe')) instanceof BodyTooLarge) return tooLargePage(site)
  try {
    const subscriber = await payload.findByID({ collection: 'subscribers', id: subscriberId, depth: 0, disableErrors: true })
    if (subscriber && subscriber.status !== 'unsubscribed') {
      await payload.update({ collection: 'subscribers', id: subscriberId, data: { status: 'unsubscribed' }, depth: 0 })
      logger.info({ subscriberId, route: '/unsubscribe' }, 'subscriber unsubscribed')
    }
    if (!site) throw new Error('the site settings could not be read')
    return donePage(site)
  } catch (error) {
    logger.error({ subscriberId, err: error instanceof Error ? error.message : String(error) }, 'unsubscribe failed')
    return tryAgainPage(site)
  }
}
