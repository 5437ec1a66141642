import config from '@payload-config'
import { getPayload } from 'payload'

import { escapeHtml } from '@/domain/escape-html'
import { itemList, itemPath, pager } from '@/site/page-parts'
import { latestItems, siteContext, urgentStatement } from '@/site/public-items'
import { sitePage } from '@/site/site-page'

export const dynamic = 'force-dynamic'

/** The home page: the live urgent statement as a banner (until it expires), then the latest items. */
export async function GET(request: Request): Promise<Response> {
  const payload = await getPayload({ config })
  const site = await siteContext(payload)
  const [urgent, latest] = await Promise.all([urgentStatement(payload), latestItems(payload, 1)])
  const banner = urgent
    ? `<section class="urgent-banner" aria-labelledby="urgent-title"><p class="label">Urgent</p><h2 id="urgent-title"><a href="${escapeHtml(itemPath({ ...urgent, collection: 'announcements' }))}">${escapeHtml(urgent.title)}</a></h2>${urgent.summary ? `<p class="summary">${escapeHtml(urgent.summary)}</p>` : ''}</section>`
    : ''
  return sitePage(request, site, {
    title: site.organisation,
    description: `Statements and reports from ${site.organisation}.`,
    path: '/',
    feeds: [
      [`${site.organisation}: all statements`, '/feed.xml'],
      [`${site.organisation}: urgent statements`, '/urgent/feed.xml'],
    ],
    main: `${banner}<h1>Latest</h1>${itemList(latest.items)}${pager('/archive', 1, latest.hasMore)}`,
  })
}
