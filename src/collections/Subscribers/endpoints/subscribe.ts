import type { PayloadHandler, PayloadRequest } from 'payload'
import { z } from 'zod'

import { confirmationMessage } from '@/domain/email/confirmation-message'
import { DeliveryError } from '@/domain/errors'
import { appMailer } from '@/lib/email/app-mailer'
import { CONFIRM_DAYS, confirmationUrl } from '@/lib/email/confirmation-link'
import { getEnv } from '@/lib/env'
import { siteBaseUrl } from '@/lib/site-url'
import { logger } from '@/lib/logger'
import { overLimit } from '@/lib/rate-limits'
import type { Subscriber } from '@/payload-types'

/** The wording of the sign-up form this endpoint records consent to; raise it when the wording changes. */
export const SIGNUP_WORDING_VERSION = '2026-11'
/** A pending address gets at most one confirmation message per this interval. */
export const RESEND_INTERVAL_MS = 10 * 60_000
export const SUBSCRIBE_LIMITS = { perIp: { points: 20, durationSeconds: 3600 }, perAddress: { points: 5, durationSeconds: 3600 } }
const MAX_BODY_BYTES = 8 * 1024

const request = z.object({
  email: z.preprocess(
    (value) => (typeof value === 'string' ? value.trim().toLowerCase() : value),
    z.email('Enter an email address such as name@example.org.').max(254, 'That email address is too long.'),
  ),
  topics: z.array(z.string().max(100)).max(50, 'Choose at most 50 topics.').default([]),
  urgentOnly: z.boolean().default(false),
})

const ACCEPTED =
  'Thank you. If this address can receive our alerts, a message with a confirmation link is on its way to it. Nothing is sent until the link is clicked.'

const answer = (status: number, message: string, headers: Record<string, string> = {}) => Response.json({ message }, { status, headers })

async function readBody(req: PayloadRequest): Promise<unknown> {
  const text = (await req.text?.()) ?? ''
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw Object.assign(new Error('too large'), { status: 413 })
  const type = req.headers.get('content-type') ?? ''
  if (type.startsWith('application/x-www-form-urlencoded')) {
    const form = new URLSearchParams(text)
    return { email: form.get('email') ?? '', topics: form.getAll('topics'), urgentOnly: form.get('urgentOnly') === 'on' || form.get('urgentOnly') === 'true' }
  }
  if (!type.startsWith('application/json')) throw Object.assign(new Error('type'), { status: 415 })
  return JSON.parse(text)
}

const clientIp = (req: PayloadRequest) => req.headers.get('x-forwarded-for')?.split(',')[0]?.trim() || req.headers.get('x-real-ip') || 'unknown'

async function sendConfirmation(req: PayloadRequest, subscriber: Subscriber): Promise<void> {
  const mailer = appMailer()
  if (!mailer) throw new DeliveryError('Email is not configured (SENDGRID_API_KEY)', { retryable: false })
  const site = await req.payload.findGlobal({ slug: 'site', depth: 0 })
  if (!site.senderEmail) throw new DeliveryError('No sender address in the Site settings', { retryable: false })
  const env = getEnv()
  const url = confirmationUrl(env.PAYLOAD_SECRET, siteBaseUrl(site.publicUrl, env), subscriber.id)
  await mailer.sendOne({ from: { email: site.senderEmail, name: site.senderName || site.organisationName }, to: subscriber.email, ...confirmationMessage(site.organisationName, url, CONFIRM_DAYS) })
  await req.payload.update({ collection: 'subscribers', id: subscriber.id, data: { confirmationSentAt: new Date().toISOString() }, depth: 0 })
}

/**
 * POST /api/subscribers/subscribe (JSON or a form): records a pending sign-up and sends one message
 * with a signed, expiring confirmation link. The answer is the same whether the address is new,
 * pending, confirmed or suppressed, so the form cannot be used to find out who subscribes; a pending
 * address gets at most one message per RESEND_INTERVAL_MS; per-IP and per-address limits stop abuse.
 */
export const subscribe: PayloadHandler = async (req) => {
  const length = Number(req.headers.get('content-length') ?? 0)
  if (length > MAX_BODY_BYTES) return answer(413, 'The request is too large.')
  let input: z.infer<typeof request>
  try {
    const parsed = request.safeParse(await readBody(req))
    if (!parsed.success) return answer(400, parsed.error.issues[0]!.message)
    input = parsed.data
  } catch (error) {
    const status = (error as { status?: number }).status
    if (status === 413) return answer(413, 'The request is too large.')
    if (status === 415) return answer(415, 'Send the form as application/json or application/x-www-form-urlencoded.')
    return answer(400, 'The request could not be read: send JSON such as {"email": "name@example.org"}.')
  }
  const { email } = input

  const wait = (await overLimit('subscribe-ip', SUBSCRIBE_LIMITS.perIp, clientIp(req))) ?? (await overLimit('subscribe-address', SUBSCRIBE_LIMITS.perAddress, email))
  if (wait) {
    logger.warn({ route: 'subscribe', retryAfter: wait }, 'subscribe rate limit reached')
    return answer(429, `Too many sign-up attempts. Please try again in ${Math.ceil(wait / 60)} minute(s).`, { 'retry-after': String(wait) })
  }

  const { docs: topics } = await req.payload.find({ collection: 'topics', where: { slug: { in: input.topics } }, depth: 0, pagination: false, select: { slug: true } })
  const unknown = input.topics.filter((slug) => !topics.some((topic) => topic.slug === slug))
  if (unknown.length > 0) return answer(400, `There is no topic called "${unknown[0]}".`)

  const choice = { topics: topics.map((topic) => topic.id), urgentOnly: input.urgentOnly }
  // Consent is given by the click on the confirmation link; until then only its source and wording are known.
  const consent = { source: 'site-form' as const, wordingVersion: SIGNUP_WORDING_VERSION, givenAt: null }
  const { docs } = await req.payload.find({ collection: 'subscribers', where: { email: { equals: email } }, depth: 0, limit: 1 })
  let subscriber = docs[0]
  try {
    if (!subscriber) {
      subscriber = await req.payload.create({ collection: 'subscribers', data: { email, status: 'pending', ...choice, consent }, depth: 0 })
    } else if (subscriber.status === 'pending' || subscriber.status === 'unsubscribed') {
      subscriber = await req.payload.update({ collection: 'subscribers', id: subscriber.id, data: { status: 'pending', ...choice, consent }, depth: 0 })
    } else {
      // Confirmed or suppressed (bounced, complained): nothing to send, and nothing to say about it.
      logger.info({ route: 'subscribe', subscriberId: subscriber.id, status: subscriber.status }, 'sign-up for an address that is not pending')
      return answer(202, ACCEPTED)
    }
    const lastSent = subscriber.confirmationSentAt ? new Date(subscriber.confirmationSentAt).getTime() : 0
    if (Date.now() - lastSent >= RESEND_INTERVAL_MS) await sendConfirmation(req, subscriber)
  } catch (error) {
    logger.error({ route: 'subscribe', subscriberId: subscriber?.id, err: error instanceof Error ? error.message : String(error) }, 'sign-up failed')
    return answer(503, 'We could not take your sign-up just now. Please try again in a few minutes.')
  }
  return answer(202, ACCEPTED)
}
