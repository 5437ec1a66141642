import { escapeHtml } from '@/domain/escape-html'
import { page } from '@/site/simple-page'
import type { SiteContext } from '@/site/site-page'

export type TopicChoice = { slug: string; name: string; chosen: boolean }

export const invalidLink = (site: SiteContext) =>
  page(site, 400, 'This link does not work', '<p>The link is incomplete or has been altered. Please use the link from the most recent email you received.</p>')

export const noLongerSubscribed = (site: SiteContext) =>
  page(site, 410, 'You are not subscribed', '<p>This address does not receive alerts any more. Sign up again on our website if you want them back.</p>')

/** The form: one checkbox per topic (none ticked means every topic), urgent-only, and a way out. */
export function preferencesForm(options: { token: string; unsubscribeToken: string; site: SiteContext; topics: TopicChoice[]; urgentOnly: boolean; saved?: boolean }): Response {
  const topics = options.topics
    .map(
      (topic) =>
        `<li><label><input type="checkbox" name="topics" value="${escapeHtml(topic.slug)}"${topic.chosen ? ' checked' : ''}> ${escapeHtml(topic.name)}</label></li>`,
    )
    .join('')
  return page(
    options.site,
    200,
    'Your alerts',
    `${options.saved ? '<p role="status"><strong>Saved.</strong></p>' : ''}
<form method="post" action="/preferences?token=${encodeURIComponent(options.token)}">
<fieldset><legend>Topics (none ticked: every topic)</legend><ul class="choices">${topics}</ul></fieldset>
<p><label><input type="checkbox" name="urgentOnly" value="on"${options.urgentOnly ? ' checked' : ''}> Only urgent statements</label></p>
<p><button type="submit">Save</button></p>
</form>
<form method="post" action="/unsubscribe?token=${encodeURIComponent(options.unsubscribeToken)}">
<p>Or stop all alerts from ${escapeHtml(options.site.organisation)}: <button type="submit">Unsubscribe</button></p>
</form>`,
  )
}
