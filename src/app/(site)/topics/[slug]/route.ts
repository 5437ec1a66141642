import config from '@payload-config'
import { getPayload } from 'payload'

import { escapeHtml } from '@/domain/escape-html'
import { canMatchText } from '@/lib/database-text'
import { itemList, pageNumber, pager } from '@/site/page-parts'
import { latestItems, siteContext } from '@/site/public-items'
import { notFoundPage, sitePage } from '@/site/site-page'
import type { Topic } from '@/payload-types'

export const dynamic = 'force-dynamic'

/** A topic's page: what it is about, its published items newest first, and its own feeds. */
export async function GET(request: Request, { params }: { params: Promise<{ slug: string }> }): Promise<Response> {
  const payload = await getPayload({ config })
  const site = await siteContext(payload)
  const { slug } = await params
  const path = `/topics/${encodeURIComponent(slug)}`
  const topic = canMatchText(slug) ? ((await payload.find({ collection: 'topics', where: { slug: { equals: slug } }, depth: 0, limit: 1 })).docs[0] as Topic | undefined) : undefined
  if (!topic) return notFoundPage(request, site, path, 'There is no such topic.')
  const page = pageNumber(request)
  const { items, hasMore } = await latestItems(payload, page, topic)
  return sitePage(request, site, {
    title: topic.name,
    description: topic.description ?? undefined,
    path: page === 1 ? path : `${path}?page=${page}`,
    feeds: [[`${site.organisation}: ${topic.name}`, `${path}/feed.xml`]],
    main: `<h1>${escapeHtml(topic.name)}</h1>${topic.description ? `<p class="lead">${escapeHtml(topic.description)}</p>` : ''}${itemList(items)}${pager(path, page, hasMore)}`,
  })
}
