import { escapeHtml } from '@/domain/escape-html'
import { itemUrl } from '@/domain/item-url'
import { bodyHtml } from '@/site/body-html'
import type { Topic } from '@/payload-types'

import { type PublicItem, reportFile, type Supersession } from './public-items'

const DATE = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' })

/** A date as people read it, in a <time> element machines can read. */
export const timeElement = (iso: string) => `<time datetime="${escapeHtml(iso)}">${escapeHtml(DATE.format(new Date(iso)))} UTC</time>`

export const fileSize = (bytes: number) =>
  bytes >= 1_048_576 ? `${(bytes / 1_048_576).toFixed(1)} MB` : bytes >= 1024 ? `${Math.round(bytes / 1024)} KB` : `${bytes} bytes`

/** An item's page, as a path on this site (links between pages stay relative). */
export const itemPath = (item: Pick<PublicItem, 'collection' | 'slug' | 'id'>) => itemUrl('', item.collection, item.slug ?? String(item.id))

const topicLinks = (topics: PublicItem['topics']) => {
  const named = (topics ?? []).filter((topic): topic is Topic => typeof topic === 'object' && topic !== null)
  return named.length === 0 ? '' : `<p class="meta">Topics: ${named.map((topic) => `<a href="/topics/${encodeURIComponent(topic.slug ?? '')}">${escapeHtml(topic.name)}</a>`).join(', ')}</p>`
}

/**
 * One statement or report: title, urgency, date (and when a correction was last published, if one
 * was), summary, body, the report's PDF, its topics.
 */
export function itemMain(item: PublicItem, siteUrl: string, correctedAt?: string): string {
  const urgent = item.collection === 'announcements' && 'urgency' in item && item.urgency === 'urgent'
  const file = item.collection === 'reports' ? reportFile(item as never) : undefined
  const expired = item.collection === 'announcements' && 'expiresAt' in item && item.expiresAt && new Date(item.expiresAt) <= new Date()
  return `<article>
${urgent && !expired ? '<p><span class="label">Urgent statement</span></p>' : ''}
<h1>${escapeHtml(item.title)}</h1>
<p class="meta">${item.collection === 'reports' ? 'Report' : 'Statement'} published ${timeElement(item.publishedAt ?? item.createdAt)}${correctedAt ? ` · updated ${timeElement(correctedAt)}` : ''}</p>
${expired ? `<p class="notice">This statement was for a situation that ended on ${timeElement(String((item as { expiresAt: string }).expiresAt))}; it is kept here for the record.</p>` : ''}
${item.summary ? `<p class="lead">${escapeHtml(item.summary)}</p>` : ''}
${file?.url ? `<p><a class="download" href="${escapeHtml(file.url)}">Download the report (PDF, ${escapeHtml(fileSize(file.filesize ?? 0))})</a></p>` : ''}
<div class="body">${bodyHtml(item.body, siteUrl)}</div>
${topicLinks(item.topics)}
</article>`
}

/** A list of items, newest first, with their date and summary. */
export function itemList(items: PublicItem[]): string {
  if (items.length === 0) return '<p>Nothing published yet.</p>'
  return `<ul class="items">${items
    .map(
      (item) => `<li><h2><a href="${escapeHtml(itemPath(item))}">${escapeHtml(item.title)}</a></h2>
<p class="meta">${item.collection === 'reports' ? 'Report' : 'Statement'} · ${timeElement(item.publishedAt ?? item.createdAt)}</p>${item.summary ? `<p>${escapeHtml(item.summary)}</p>` : ''}</li>`,
    )
    .join('')}</ul>`
}

/** Previous / next page links for a paged list. */
export function pager(path: string, page: number, hasMore: boolean): string {
  const links = [page > 1 ? `<a href="${path}${page - 1 === 1 ? '' : `?page=${page - 1}`}" rel="prev">Newer</a>` : '', hasMore ? `<a href="${path}?page=${page + 1}" rel="next">Older</a>` : ''].filter(Boolean)
  return links.length ? `<nav aria-label="Pages" class="meta">${links.join(' · ')}</nav>` : ''
}

/** ?page=N as a positive page number (anything else: 1). */
export const pageNumber = (request: Request) => {
  const value = Number(new URL(request.url).searchParams.get('page') ?? 1)
  return Number.isInteger(value) && value >= 1 && value <= 10_000 ? value : 1
}

const statementLink = (other: Supersession) => `<a href="${escapeHtml(itemUrl('', 'announcements', other.slug))}">${escapeHtml(other.title)}</a>`

/**
 * The notices that tie a statement to the ones that update or cancel it, and to the one it updates or
 * cancels itself, so a reader who lands on an old statement finds the current one.
 */
export function supersessionNotices({ by, of }: { by: Supersession[]; of?: Supersession }): string {
  const notices = by.map((newer) => `<p class="notice">${newer.kind === 'cancel' ? 'This statement was cancelled by' : 'This statement has been updated:'} ${statementLink(newer)}.</p>`)
  if (of) notices.push(`<p class="notice">${of.kind === 'cancel' ? 'This statement cancels' : 'This statement updates'} ${statementLink(of)}.</p>`)
  return notices.join('\n')
}
