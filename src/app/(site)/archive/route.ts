import config from '@payload-config'
import { getPayload } from 'payload'

import { itemList, pageNumber, pager } from '@/site/page-parts'
import { latestItems, siteContext } from '@/site/public-items'
import { sitePage } from '@/site/site-page'

export const dynamic = 'force-dynamic'

/** Every published statement and report, newest first, twenty a page (?page=N). */
export async function GET(request: Request): Promise<Response> {
  const payload = await getPayload({ config })
  const site = await siteContext(payload)
  const page = pageNumber(request)
  const { items, hasMore } = await latestItems(payload, page)
  return sitePage(request, site, {
    title: page === 1 ? 'All statements' : `All statements, page ${page}`,
    path: page === 1 ? '/archive' : `/archive?page=${page}`,
    main: `<h1>All statements</h1>${itemList(items)}${pager('/archive', page, hasMore)}`,
  })
}
