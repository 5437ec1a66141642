import config from '@payload-config'
import { getPayload } from 'payload'

import type { PublishableCollection } from '@/domain/events'
import { escapeHtml } from '@/domain/escape-html'
import { itemUrl } from '@/domain/item-url'
import type { Announcement } from '@/payload-types'

import { itemMain, itemPath, supersessionNotices } from './page-parts'
import { itemBySlug, lastCorrectedAt, siteContext, supersessionsOf } from './public-items'
import { notFoundPage, sitePage } from './site-page'

/**
 * GET /<collection>/<slug>: the item's public page (200); a retracted one a short notice (410); a
 * draft or anything never published the same 404 as a slug that does not exist.
 */
export const itemRoute =
  (collection: PublishableCollection) =>
  async (request: Request, { params }: { params: Promise<{ slug: string }> }): Promise<Response> => {
    const payload = await getPayload({ config })
    const site = await siteContext(payload)
    const { slug } = await params
    const lookup = await itemBySlug(payload, collection, slug)
    const path = itemUrl('', collection, slug)
    if (!lookup) {
      return notFoundPage(request, site, path, 'There is no published statement at this address.')
    }
    if ('gone' in lookup) {
      const cancelledBy = collection === 'announcements' ? (await supersessionsOf(payload, { id: lookup.gone.id })).by.filter((newer) => newer.kind === 'cancel') : []
      return sitePage(request, site, {
        status: 410,
        title: lookup.gone.title,
        path,
        noindex: true,
        main: `<h1>${escapeHtml(lookup.gone.title)}</h1><p class="notice">This ${collection === 'reports' ? 'report' : 'statement'} has been withdrawn by ${escapeHtml(site.organisation)}.</p>${supersessionNotices({ by: cancelledBy })}<p><a href="/archive">See current statements</a>.</p>`,
      })
    }
    const item = lookup.found
    const [notices, correctedAt] = await Promise.all([
      item.collection === 'announcements' ? supersessionsOf(payload, item as Announcement).then(supersessionNotices) : '',
      lastCorrectedAt(payload, item.collection, item.id),
    ])
    return sitePage(request, site, { title: item.title, description: item.summary ?? undefined, path: itemPath(item), ogType: 'article', main: notices + itemMain(item, site.siteUrl, correctedAt) })
  }
