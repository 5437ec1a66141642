import { createHash } from 'node:crypto'

import { escapeHtml } from '@/domain/escape-html'
import { CAP_INDEX_PATH } from '@/channels/feeds/render/cap'
import { getEnv } from '@/lib/env'
import { notModified } from '@/lib/http/conditional-get'
import { baseSecurityHeaders, publicPageCsp } from '@/lib/http/security-headers'

export type SiteContext = { organisation: string; siteUrl: string }

export type PageSpec = {
  status?: number
  title: string
  description?: string
  /** The page's own path (canonical link, og:url). */
  path: string
  /** Feeds a reader can subscribe to from this page: [title, path]. */
  feeds?: [string, string][]
  ogType?: 'website' | 'article'
  /** HTML of <main>, already escaped where it holds text. */
  main: string
  noindex?: boolean
}

const STYLE = `
:root{color-scheme:light}
*{box-sizing:border-box}
body{margin:0;font:1.0625rem/1.6 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#fff}
a{color:#0b57d0}a:focus-visible,button:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px}
.wrap{max-width:44rem;margin:0 auto;padding:0 1rem}
header.site{border-bottom:1px solid #d0d0d0}header.site .wrap{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:baseline;padding:.75rem 1rem}
header.site .name{font-weight:700;font-size:1.15rem;color:#1a1a1a;text-decoration:none}
nav a{margin-right:1rem}
main{padding:1.5rem 0 2.5rem}h1{font-size:1.9rem;line-height:1.2;margin:.2rem 0 .6rem}
.urgent-banner{background:#a50e0e;color:#fff;padding:1rem;border-radius:4px;margin:0 0 1.5rem}.urgent-banner a{color:#fff;font-weight:700}
.urgent-banner .label{background:#fff;color:#a50e0e}.urgent-banner h2{margin:.3rem 0}.urgent-banner .summary{margin:0}
.label{display:inline-block;background:#a50e0e;color:#fff;font-size:.8rem;font-weight:700;letter-spacing:.04em;padding:.1rem .45rem;border-radius:3px;text-transform:uppercase}
.meta{color:#4d4d4d;font-size:.95rem}.lead{font-size:1.2rem}
.items{list-style:none;padding:0}.items li{border-top:1px solid #e0e0e0;padding:.9rem 0}.items h2{font-size:1.2rem;margin:0 0 .25rem}
.download{display:inline-block;margin:1rem 0;padding:.6rem 1rem;border:2px solid #0b57d0;border-radius:4px;font-weight:600}
.notice{border-left:4px solid #4d4d4d;padding:.5rem 1rem;background:#f3f3f3}.notice.error{border-color:#a50e0e}
.choices{list-style:none;padding:0;margin:0}
footer.site{border-top:1px solid #d0d0d0;color:#4d4d4d;font-size:.9rem;padding:1rem 0 2rem}
img{max-width:100%;height:auto}pre{overflow-x:auto}
button{font:inherit;padding:.6rem 1.2rem;background:#0b57d0;color:#fff;border:0;border-radius:4px;cursor:pointer}
input[type=email]{font:inherit;padding:.5rem;width:100%;max-width:24rem}fieldset{border:1px solid #d0d0d0;border-radius:4px}fieldset label{display:block}
`

/** The style sheet's CSP hash: the pages' policy allows this one inline style and no other. */
const STYLE_HASH = `sha256-${createHash('sha256').update(STYLE).digest('base64')}`

/**
 * The security headers of a page of the site (`siteUrl`: where its images live; without the site's
 * settings, PUBLIC_URL): a policy allowing no script and only the site's own style sheet, plus the
 * headers every response carries.
 */
export function sitePageHeaders(siteUrl?: string): Record<string, string> {
  const env = getEnv()
  return { ...baseSecurityHeaders(env), 'content-security-policy': publicPageCsp(STYLE_HASH, siteUrl ?? env.PUBLIC_URL) }
}

/**
 * A public page as the whole HTML document: readable without JavaScript, one column that works at
 * 320 px, visible focus, canonical and Open Graph / Twitter card tags from the site's base URL, feed
 * autodiscovery links (the CAP alerts' index among them). Answered with an ETag and `no-cache`, so a
 * browser or proxy always asks again (a correction is never served stale) and gets a 304 while nothing
 * changed.
 */
export function sitePage(request: Request, site: SiteContext, spec: PageSpec): Response {
  const url = `${site.siteUrl}${spec.path}`
  const title = spec.path === '/' ? site.organisation : `${spec.title} · ${site.organisation}`
  const description = spec.description ?? ''
  const feeds = spec.feeds ?? [[`${site.organisation}: all statements`, '/feed.xml']]
  const head = [
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width,initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    description && `<meta name="description" content="${escapeHtml(description)}">`,
    spec.noindex ? '<meta name="robots" content="noindex">' : `<link rel="canonical" href="${escapeHtml(url)}">`,
    `<meta property="og:site_name" content="${escapeHtml(site.organisation)}">`,
    `<meta property="og:title" content="${escapeHtml(spec.title)}">`,
    description && `<meta property="og:description" content="${escapeHtml(description)}">`,
    `<meta property="og:type" content="${spec.ogType ?? 'website'}">`,
    `<meta property="og:url" content="${escapeHtml(url)}">`,
    '<meta name="twitter:card" content="summary">',
    `<meta name="twitter:title" content="${escapeHtml(spec.title)}">`,
    description && `<meta name="twitter:description" content="${escapeHtml(description)}">`,
    ...feeds.flatMap(([feedTitle, path]) => [
      `<link rel="alternate" type="application/rss+xml" title="${escapeHtml(feedTitle)} (RSS)" href="${escapeHtml(`${site.siteUrl}${path}`)}">`,
      `<link rel="alternate" type="application/atom+xml" title="${escapeHtml(feedTitle)} (Atom)" href="${escapeHtml(`${site.siteUrl}${path.replace(/\.xml$/, '.atom')}`)}">`,
      `<link rel="alternate" type="application/feed+json" title="${escapeHtml(feedTitle)} (JSON Feed)" href="${escapeHtml(`${site.siteUrl}${path.replace(/\.xml$/, '.json')}`)}">`,
    ]),
    // The urgent statements as CAP alerts, for alert aggregators that look for them from any page.
    `<link rel="alternate" type="application/atom+xml" title="${escapeHtml(`${site.organisation}: urgent statements`)} (CAP 1.2 alerts)" href="${escapeHtml(`${site.siteUrl}${CAP_INDEX_PATH}`)}">`,
  ].filter(Boolean)
  const html = siteDocument(site, head, spec.main)
  const etag = `"${createHash('sha256').update(html).digest('base64url').slice(0, 27)}"`
  const headers = {
    'content-type': 'text/html; charset=utf-8',
    etag,
    'cache-control': 'no-cache',
    'referrer-policy': 'strict-origin-when-cross-origin',
    ...sitePageHeaders(site.siteUrl),
  }
  const status = spec.status ?? 200
  // The ETag only: a page has no single last-modified time (the banner, the list and the item each change).
  if (status === 200 && request.headers.has('if-none-match') && notModified(request.headers, etag, new Date())) return new Response(null, { status: 304, headers })
  return new Response(html, { status, headers })
}

/**
 * The site's document around `main`: its style, the header with the organisation's name and the
 * navigation, and the footer with the feeds. Without the site's settings (the database did not
 * answer) the header says only "Home".
 */
export function siteDocument(site: SiteContext | undefined, head: string[], main: string): string {
  return `<!doctype html>
<html lang="en"><head>${[...head, `<style>${STYLE}</style>`].join('\n')}</head>
<body>
<header class="site"><div class="wrap"><a class="name" href="/">${escapeHtml(site?.organisation ?? 'Home')}</a><nav aria-label="Site"><a href="/archive">All statements</a><a href="/subscribe">Email alerts</a><a href="/feed.xml">Feed</a></nav></div></header>
<main id="main"><div class="wrap">${main}</div></main>
<footer class="site"><div class="wrap">${site ? `${escapeHtml(site.organisation)} · ` : ''}Follow every statement by <a href="/feed.xml">RSS</a>, <a href="/feed.atom">Atom</a> or <a href="/feed.json">JSON Feed</a>.</div></footer>
</body></html>`
}

/** The 404 page: what is not here, and the way back to what is. */
export const notFoundPage = (request: Request, site: SiteContext, path: string, sentence: string): Response =>
  sitePage(request, site, { status: 404, title: 'Not found', path, noindex: true, main: `<h1>Not found</h1><p>${escapeHtml(sentence)} <a href="/archive">See all statements</a>.</p>` })
