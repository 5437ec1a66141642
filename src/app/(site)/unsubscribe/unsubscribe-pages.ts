import { escapeHtml } from '@/domain/escape-html'
import { page } from '@/lib/http/simple-page'

export const invalidLink = () =>
  page(400, 'This link does not work', '<p>The unsubscribe link is incomplete or has been altered. Please use the link from the most recent email you received.</p>')

export const confirmPage = (token: string, organisation: string) =>
  page(
    200,
    'Unsubscribe',
    `<p>Stop receiving alerts from ${escapeHtml(organisation)}?</p><form method="post" action="/unsubscribe?token=${encodeURIComponent(token)}"><button type="submit">Unsubscribe</button></form>`,
  )

export const donePage = (organisation: string) =>
  page(200, 'You are unsubscribed', `<p>You will not receive any more alerts from ${escapeHtml(organisation)}.</p>`)
