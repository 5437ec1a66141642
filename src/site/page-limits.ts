import { logger } from '@/lib/logger'
import { type Limit, overLimit } from '@/lib/http/rate-limits'
import type { SiteContext } from '@/site/site-page'

import { clientIp } from '@/lib/http/client-ip'
import { page } from './simple-page'

/**
 * Requests one network address may make to each page for one person (confirm, preferences,
 * unsubscribe) in ten minutes: far more than anyone following their own links needs, few enough that
 * nobody can hammer the database through them.
 */
export const PERSONAL_PAGE_LIMIT: Limit = { points: 30, durationSeconds: 600 }

/**
 * Takes one request from the address's budget for `route`: undefined while within it, else a 429
 * page in the site's look with Retry-After. `site` is read only for that page.
 */
export async function overPageLimit(route: string, headers: Headers, site: () => Promise<SiteContext | undefined>): Promise<Response | undefined> {
  const wait = await overLimit(`page-${route}`, PERSONAL_PAGE_LIMIT, clientIp(headers))
  if (!wait) return undefined
  logger.warn({ route, retryAfter: wait }, 'page rate limit reached')
  const minutes = Math.ceil(wait / 60)
  const response = page(await site().catch(() => undefined), 429, 'Too many requests', `<p>We had too many requests for this page from your network. Please try again in ${minutes} minute${minutes === 1 ? '' : 's'}.</p>`)
  response.headers.set('retry-after', String(wait))
  return response
}
