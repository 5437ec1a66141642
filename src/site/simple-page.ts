import { escapeHtml } from '@/domain/escape-html'
import { siteDocument, sitePageHeaders, type SiteContext } from '@/site/site-page'

/**
 * A page for one person (a confirmation, their preferences, leaving the list), in the site's look:
 * works without JavaScript, readable on a phone, visible focus. Never indexed or cached, and no
 * referrer leaves it, since its address holds their signed token.
 */
export function page(site: SiteContext | undefined, status: number, title: string, body: string): Response {
  const head = [
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width,initial-scale=1">',
    '<meta name="robots" content="noindex">',
    `<title>${escapeHtml(site ? `${title} · ${site.organisation}` : title)}</title>`,
  ]
  return new Response(siteDocument(site, head, `<h1>${escapeHtml(title)}</h1>${body}`), {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', ...sitePageHeaders(site?.siteUrl) },
  })
}
