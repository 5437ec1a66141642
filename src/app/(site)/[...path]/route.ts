import config from '@payload-config'
import { getPayload } from 'payload'

import { siteContext } from '@/site/public-items'
import { notFoundPage } from '@/site/site-page'

export const dynamic = 'force-dynamic'

/**
 * Any address nothing else answers: the site's own 404 page, in its look and under its policy (no
 * script, never framed), rather than Next.js's, which carries none of the site's security headers.
 */
export async function GET(request: Request): Promise<Response> {
  const payload = await getPayload({ config })
  return notFoundPage(request, await siteContext(payload), new URL(request.url).pathname, 'There is nothing at this address.')
}

// Nothing is at this address whatever the method (Next.js would answer 405, as if something were).
export { GET as DELETE, GET as PATCH, GET as POST, GET as PUT }
