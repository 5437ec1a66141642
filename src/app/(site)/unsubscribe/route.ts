import config from '@payload-config'
import { getPayload } from 'payload'

import { getEnv } from '@/lib/env'
import { logger } from '@/lib/logger'
import { siteContext } from '@/lib/site/public-items'
import { verifySubscriberToken } from '@/lib/subscriber-tokens'

import { confirmPage, donePage, invalidLink, tryAgainPage } from './unsubscribe-pages'

export const dynamic = 'force-dynamic'

const subscriberFrom = (request: Request) => {
  const token = new URL(request.url).searchParams.get('token') ?? ''
  return { token, subscriberId: verifySubscriberToken(getEnv().PAYLOAD_SECRET, 'unsubscribe', token) }
}

/** The link in an email opens a page with one button; nothing changes on a GET (link scanners follow links). */
export async function GET(request: Request): Promise<Response> {
  const { token, subscriberId } = subscriberFrom(request)
  const site = await siteContext(await getPayload({ config }))
  if (!subscriberId) return invalidLink(site)
  return confirmPage(token, site)
}

/**
 * RFC 8058 one-click unsubscribe: mail clients POST `List-Unsubscribe=One-Click` to the link in the
 * List-Unsubscribe header, and the page's button posts here too. Unsubscribes at once, whatever the
 * body; saying yes twice is fine.
 */
export async function POST(request: Request): Promise<Response> {
  const { subscriberId } = subscriberFrom(request)
  const payload = await getPayload({ config })
  const site = await siteContext(payload).catch(() => undefined)
  if (!subscriberId) {
    logger.warn({ route: '/unsubscribe' }, 'unsubscribe with an invalid token')
    return invalidLink(site)
  }
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
