import type { Payload } from 'payload'
import { z } from 'zod'

import { confirmationMessage } from '@/subscribers/confirmation-message'
import { DeliveryError } from '@/delivery/errors'
import { appMailer } from '@/channels/email/app-mailer'
import { CONFIRM_DAYS, confirmationUrl } from '@/subscribers/confirmation-link'
import { canMatchText } from '@/lib/database-text'
import { getEnv } from '@/lib/env'
import { logger } from '@/lib/logger'
import { overLimit } from '@/lib/http/rate-limits'
import { siteBaseUrl } from '@/site/site-url'
import type { Subscriber } from '@/payload-types'

/** The wording of the sign-up form consent is recorded against; raise it when the wording changes. */
export const SIGNUP_WORDING_VERSION = '2026-11'
/** A pending address gets at most one confirmation message per this interval. */
export const RESEND_INTERVAL_MS = 10 * 60_000
export const SUBSCRIBE_LIMITS = { perIp: { points: 20, durationSeconds: 3600 }, perAddress: { points: 5, durationSeconds: 3600 } }
/**
 * The body limit of both sign-up endpoints (site form and API): the largest valid sign-up, a
 * 254-character address and 50 topics of 100 characters, is about 6 KB as JSON or as a form.
 */
export const MAX_SIGN_UP_BYTES = 8 * 1024

export const signUpRequest = z.object({
  email: z.preprocess(
    (value) => (typeof value === 'string' ? value.trim().toLowerCase() : value),
    z.email('Enter an email address such as name@example.org.').max(254, 'That email address is too long.'),
  ),
  topics: z.array(z.string().max(100)).max(50, 'Choose at most 50 topics.').default([]),
  urgentOnly: z.boolean().default(false),
})
export type SignUpInput = z.infer<typeof signUpRequest>

export type SignUpOutcome = { status: 202 | 400 | 429 | 503; message: string; retryAfter?: number }

export const SIGNED_UP =
  'Thank you. If this address can receive our alerts, a message with a confirmation link is on its way to it. Nothing is sent until the link is clicked.'

async function sendConfirmation(payload: Payload, subscriber: Subscriber): Promise<void> {
  const mailer = appMailer()
  if (!mailer) throw new DeliveryError('Email is not configured (SENDGRID_API_KEY)', { retryable: false })
  const site = await payload.findGlobal({ slug: 'site', depth: 0 })
  if (!site.senderEmail) throw new DeliveryError('No sender address in the Site settings', { retryable: false })
  const env = getEnv()
  const url = confirmationUrl(env.PAYLOAD_SECRET, siteBaseUrl(site.publicUrl, env), subscriber.id)
  await mailer.sendOne({ from: { email: site.senderEmail, name: site.senderName || site.organisationName }, to: subscriber.email, ...confirmationMessage(site.organisationName, url, CONFIRM_DAYS) })
  await payload.update({ collection: 'subscribers', id: subscriber.id, data: { confirmationSentAt: new Date().toISOString() }, depth: 0 })
}

/**
 * A sign-up, from the site's form or the API: records a pending subscriber with the consent's source
 * and wording and sends one message with a signed, expiring confirmation link. The outcome is the same
 * whether the address is new, pending, confirmed or suppressed, so nobody can find out who subscribes;
 * a pending address gets at most one message per RESEND_INTERVAL_MS; per-IP and per-address limits
 * stop abuse.
 */
export async function signUp(payload: Payload, input: SignUpInput, clientIp: string): Promise<SignUpOutcome> {
  const { email } = input
  const wait = (await overLimit('subscribe-ip', SUBSCRIBE_LIMITS.perIp, clientIp)) ?? (await overLimit('subscribe-address', SUBSCRIBE_LIMITS.perAddress, email))
  if (wait) {
    logger.warn({ route: 'subscribe', retryAfter: wait }, 'subscribe rate limit reached')
    return { status: 429, message: `Too many sign-up attempts. Please try again in ${Math.ceil(wait / 60)} minute(s).`, retryAfter: wait }
  }

  const { docs: topics } = await payload.find({ collection: 'topics', where: { slug: { in: input.topics.filter(canMatchText) } }, depth: 0, pagination: false, select: { slug: true } })
  const unknown = input.topics.filter((slug) => !topics.some((topic) => topic.slug === slug))
  if (unknown.length > 0) return { status: 400, message: `There is no topic called "${unknown[0]}".` }

  const choice = { topics: topics.map((topic) => topic.id), urgentOnly: input.urgentOnly }
  // Consent is given by the click on the confirmation link; until then only its source and wording are known.
  const consent = { source: 'site-form' as const, wordingVersion: SIGNUP_WORDING_VERSION, givenAt: null }
  const { docs } = await payload.find({ collection: 'subscribers', where: { email: { equals: email } }, depth: 0, limit: 1 })
  let subscriber = docs[0]
  try {
    if (!subscriber) {
      subscriber = await payload.create({ collection: 'subscribers', data: { email, status: 'pending', ...choice, consent }, depth: 0 })
    } else if (subscriber.status === 'pending' || subscriber.status === 'unsubscribed') {
      subscriber = await payload.update({ collection: 'subscribers', id: subscriber.id, data: { status: 'pending', ...choice, consent }, depth: 0 })
    } else {
      // Confirmed or suppressed (bounced, complained): nothing to send, and nothing to say about it.
      logger.info({ route: 'subscribe', subscriberId: subscriber.id, status: subscriber.status }, 'sign-up for an address that is not pending')
      return { status: 202, message: SIGNED_UP }
    }
    const lastSent = subscriber.confirmationSentAt ? new Date(subscriber.confirmationSentAt).getTime() : 0
    if (Date.now() - lastSent >= RESEND_INTERVAL_MS) await sendConfirmation(payload, subscriber)
  } catch (error) {
    logger.error({ route: 'subscribe', subscriberId: subscriber?.id, err: error instanceof Error ? error.message : String(error) }, 'sign-up failed')
    return { status: 503, message: 'We could not take your sign-up just now. Please try again in a few minutes.' }
  }
  return { status: 202, message: SIGNED_UP }
}
