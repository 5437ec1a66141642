import config from '@payload-config'
import { getPayload, type Payload } from 'payload'

import { canMatchText } from '@/lib/database-text'
import { getEnv } from '@/lib/env'
import { BodyTooLarge, boundedText, FORM_BODY_LIMIT } from '@/lib/http/bounded-body'
import { overPageLimit } from '@/site/page-limits'
import { noPageHeaders } from '@/lib/http/security-headers'
import { logger } from '@/lib/logger'
import { siteContext } from '@/site/public-items'
import { subscriberToken, verifySubscriberToken } from '@/subscribers/tokens'

import { invalidLink, noLongerSubscribed, preferencesForm } from './preferences-pages'

export const dynamic = 'force-dynamic'

async function show(payload: Payload, token: string, subscriberId: string, saved: boolean): Promise<Response> {
  const subscriber = await payload.findByID({ collection: 'subscribers', id: subscriberId, depth: 0, disableErrors: true })
  const site = await siteContext(payload)
  if (!subscriber || subscriber.status !== 'confirmed') return noLongerSubscribed(site)
  const topics = await payload.find({ collection: 'topics', depth: 0, pagination: false, sort: 'name', select: { name: true, slug: true } })
  const chosen = new Set((subscriber.topics ?? []).map((topic) => String(typeof topic === 'object' ? topic.id : topic)))
  return preferencesForm({
    token,
    unsubscribeToken: subscriberToken(getEnv().PAYLOAD_SECRET, 'unsubscribe', subscriber.id),
    site,
    topics: topics.docs.map((topic) => ({ slug: topic.slug ?? String(topic.id), name: topic.name, chosen: chosen.has(String(topic.id)) })),
    urgentOnly: Boolean(subscriber.urgentOnly),
    saved,
  })
}

const tokenOf = (request: Request) => new URL(request.url).searchParams.get('token') ?? ''

/** The preferences page, from the signed link in every alert. */
export async function GET(request: Request): Promise<Response> {
  const token = tokenOf(request)
  const subscriberId = verifySubscriberToken(getEnv().PAYLOAD_SECRET, 'preferences', token)
  const payload = await getPayload({ config })
  const refused = await overPageLimit('preferences', request.headers, () => siteContext(payload))
  if (refused) return refused
  if (!subscriberId) return invalidLink(await siteContext(payload))
  return show(payload, token, subscriberId, false)
}

/** Saves the form: the chosen topics (unknown ones are ignored) and urgent-only. */
export async function POST(request: Request): Promise<Response> {
  const token = tokenOf(request)
  const subscriberId = verifySubscriberToken(getEnv().PAYLOAD_SECRET, 'preferences', token)
  const payload = await getPayload({ config })
  const refused = await overPageLimit('preferences', request.headers, () => siteContext(payload))
  if (refused) return refused
  if (!subscriberId) return invalidLink(await siteContext(payload))
  const text = await boundedText(request, FORM_BODY_LIMIT, '/preferences')
  if (text instanceof BodyTooLarge) return new Response('The form is too large.\n', { status: 413, headers: { 'content-type': 'text/plain; charset=utf-8', ...noPageHeaders(getEnv()) } })
  const form = new URLSearchParams(text)
  const subscriber = await payload.findByID({ collection: 'subscribers', id: subscriberId, depth: 0, disableErrors: true })
  if (!subscriber || subscriber.status !== 'confirmed') return noLongerSubscribed(await siteContext(payload))
  const slugs = form.getAll('topics').slice(0, 100).filter(canMatchText)
  const { docs: topics } = await payload.find({ collection: 'topics', where: { slug: { in: slugs } }, depth: 0, pagination: false, select: { slug: true } })
  await payload.update({ collection: 'subscribers', id: subscriber.id, data: { topics: topics.map((topic) => topic.id), urgentOnly: form.get('urgentOnly') === 'on' }, depth: 0 })
  logger.info({ subscriberId: subscriber.id, route: '/preferences' }, 'subscriber changed preferences')
  return show(payload, token, subscriberId, true)
}
