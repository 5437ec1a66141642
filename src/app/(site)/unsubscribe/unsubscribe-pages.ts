import { escapeHtml } from '@/domain/escape-html'
import { page } from '@/site/simple-page'
import type { SiteContext } from '@/site/site-page'

export const invalidLink = (site: SiteContext | undefined) =>
  page(site, 400, 'This link does not work', '<p>The unsubscribe link is incomplete or has been altered. Please use the link from the most recent email you received.</p>')

export const confirmPage = (token: string, site: SiteContext) =>
  page(
    site,
    200,
    'Unsubscribe',
    `<p>Stop receiving alerts from ${escapeHtml(site.organisation)}?</p><form method="post" action="/unsubscribe?token=${encodeURIComponent(token)}"><button type="submit">Unsubscribe</button></form>`,
  )

export const donePage = (site: SiteContext) =>
  page(site, 200, 'You are unsubscribed', `<p>You will not receive any more alerts from ${escapeHtml(site.organisation)}. <a href="/subscribe">Sign up again</a> any time.</p>`)

export const tooLargePage = (site: SiteContext | undefined) =>
  page(site, 413, 'That was too much', '<p>The request was larger than an unsubscribe needs. Please use the button on the page the link in the email opens.</p>')

export const tryAgainPage = (site: SiteContext | undefined) => page(site, 503, 'Please try again', '<p>We could not record your request just now. Please try again in a minute.</p>')
