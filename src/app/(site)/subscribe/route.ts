import config from '@payload-config'
import { getPayload, type Payload } from 'payload'

import { escapeHtml } from '@/domain/escape-html'
import { BodyTooLarge, boundedText } from '@/lib/http/bounded-body'
import { clientIp } from '@/lib/http/client-ip'
import { logger } from '@/lib/logger'
import { siteContext } from '@/site/public-items'
import { sitePage } from '@/site/site-page'
import { MAX_SIGN_UP_BYTES, signUp, signUpRequest } from '@/subscribers/sign-up'

export const dynamic = 'force-dynamic'

type FormState = { email: string; topics: string[]; urgentOnly: boolean; error?: string }

/** The sign-up form: labelled fields, the topics as checkboxes, an error tied to the field it is about. */
async function form(payload: Payload, state: FormState): Promise<string> {
  const { docs: topics } = await payload.find({ collection: 'topics', sort: 'name', depth: 0, pagination: false, select: { name: true, slug: true } })
  const error = state.error ? `<p id="email-error" role="alert" class="notice error">${escapeHtml(state.error)}</p>` : ''
  return `<h1>Get our alerts by email</h1>
<p>One email when we publish, and only what you choose. Every email has a link to change your choices or leave.</p>
<form method="post" action="/subscribe" novalidate>
${error}
<p><label for="email">Email address</label><br><input id="email" name="email" type="email" autocomplete="email" required value="${escapeHtml(state.email)}"${state.error ? ' aria-invalid="true" aria-describedby="email-error"' : ''}></p>
${topics.length ? `<fieldset><legend>Topics (none ticked: every topic)</legend>${topics.map((topic) => `<label><input type="checkbox" name="topics" value="${escapeHtml(topic.slug ?? '')}"${state.topics.includes(topic.slug ?? '') ? ' checked' : ''}> ${escapeHtml(topic.name)}</label>`).join('')}</fieldset>` : ''}
<p><label><input type="checkbox" name="urgentOnly"${state.urgentOnly ? ' checked' : ''}> Only urgent statements</label></p>
<p><button type="submit">Sign up</button></p>
</form>`
}

/** GET /subscribe: the form. */
export async function GET(request: Request): Promise<Response> {
  const payload = await getPayload({ config })
  const site = await siteContext(payload)
  return sitePage(request, site, { title: 'Get our alerts by email', path: '/subscribe', main: await form(payload, { email: '', topics: [], urgentOnly: false }) })
}

/**
 * POST /subscribe: the form sent without JavaScript. A mistake shows the form again with the reason
 * next to the field and what was typed kept; otherwise the same answer for every address.
 */
export async function POST(request: Request): Promise<Response> {
  const payload = await getPayload({ config })
  const site = await siteContext(payload)
  const text = await boundedText(request, MAX_SIGN_UP_BYTES, '/subscribe')
  if (text instanceof BodyTooLarge) {
    return sitePage(request, site, { status: 413, title: 'Too large', path: '/subscribe', noindex: true, main: '<h1>That was too much</h1><p><a href="/subscribe">Start again</a>.</p>' })
  }
  const fields = new URLSearchParams(text)
  // The address as typed, whole: cut short, a too-long one could become another, valid, address.
  const state: FormState = { email: fields.get('email') ?? '', topics: fields.getAll('topics').slice(0, 50), urgentOnly: fields.get('urgentOnly') === 'on' }
  const parsed = signUpRequest.safeParse(state)
  if (!parsed.success) logger.info({ route: '/subscribe', status: 400, reason: parsed.error.issues[0]!.message }, 'sign-up refused')
  const outcome = parsed.success ? await signUp(payload, parsed.data, clientIp(request.headers)) : { status: 400 as const, message: parsed.error.issues[0]!.message }
  if (outcome.status === 202) {
    return sitePage(request, site, { status: 202, title: 'Check your inbox', path: '/subscribe', noindex: true, main: `<h1>Check your inbox</h1><p>${escapeHtml(outcome.message)}</p>` })
  }
  const response = sitePage(request, site, { status: outcome.status, title: 'Get our alerts by email', path: '/subscribe', noindex: true, main: await form(payload, { ...state, error: outcome.message }) })
  if (outcome.retryAfter) response.headers.set('retry-after', String(outcome.retryAfter))
  return response
}
