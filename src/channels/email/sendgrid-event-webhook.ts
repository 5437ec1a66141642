import { createHash } from 'node:crypto'

import { ValidationError, type PayloadHandler, type PayloadRequest } from 'payload'

import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySendGridSignature } from '@/channels/email/sendgrid-event-signature'
import { EMAIL_EVENT_TYPES, type EmailEventType, SUPPRESSING } from '@/channels/email/email-events'
import { getEnv } from '@/lib/env'
import { BodyTooLarge, boundedText, SENDGRID_EVENTS_BODY_LIMIT } from '@/lib/http/bounded-body'
import { logger } from '@/lib/logger'

/** A signed batch older (or newer) than this is refused: a captured request cannot be replayed later. */
const MAX_SKEW_SECONDS = 600

/** One event as it arrives: SendGrid's fields, each of which may hold anything in a forged or broken batch. */
type SendGridEvent = Partial<Record<'event' | 'email' | 'timestamp' | 'sg_event_id' | 'reason' | 'campaign' | 'subscriber', unknown>>

const answer = (status: number, message: string) => Response.json({ message }, { status })

/** Whether the raw body carries SendGrid's valid, fresh ECDSA signature. */
function signedBySendGrid(req: PayloadRequest, body: string, publicKey: string): boolean {
  const signature = req.headers.get(SIGNATURE_HEADER) ?? ''
  const timestamp = req.headers.get(TIMESTAMP_HEADER) ?? ''
  if (!signature || !/^\d{1,12}$/.test(timestamp)) return false
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > MAX_SKEW_SECONDS) return false
  return verifySendGridSignature(publicKey, body, signature, timestamp)
}

/**
 * A subscriber or campaign id as SendGrid echoes our custom args, if it can be one here: a PostgreSQL
 * serial (a positive integer up to 2^31 - 1) or a MongoDB ObjectId.
 */
const idOf = (req: PayloadRequest, value: unknown) => {
  const text = typeof value === 'number' ? String(value) : value
  if (typeof text !== 'string') return undefined
  if (req.payload.db.defaultIDType === 'number') return /^\d{1,10}$/.test(text) && Number(text) <= 2_147_483_647 ? text : undefined
  return /^[a-f0-9]{24}$/.test(text) ? text : undefined
}

/** A text field as it can be stored: a string, without NUL (PostgreSQL text cannot hold one), at most `max` long. */
const textOf = (value: unknown, max: number) => (typeof value === 'string' ? value.replaceAll('\u0000', '').slice(0, max) || undefined : undefined)

/**
 * The key a retried event is known by: SendGrid's sg_event_id (22 to 48 characters), else a hash of
 * the id given or of the whole event, so a retry still matches and the unique index can hold it.
 */
function eventKey(event: SendGridEvent): string {
  const given = event.sg_event_id
  if (typeof given === 'string' && given.length > 0 && given.length <= 100 && !given.includes('\u0000')) return given
  return createHash('sha256').update(typeof given === 'string' ? given : JSON.stringify(event)).digest('base64url')
}

/** When the event happened: SendGrid's Unix time in seconds, or now when it is missing or no plausible time. */
function eventTime(timestamp: unknown): string {
  const ms = (typeof timestamp === 'number' || typeof timestamp === 'string' ? Number(timestamp) : Number.NaN) * 1000
  return new Date(Number.isFinite(ms) && ms > 0 && ms < Date.now() + 86_400_000 ? ms : Date.now()).toISOString()
}

async function record(req: PayloadRequest, event: SendGridEvent): Promise<'stored' | 'repeat' | 'ignored'> {
  const type = event.event as EmailEventType
  if (!EMAIL_EVENT_TYPES.includes(type)) return 'ignored'
  const { payload } = req
  let subscriberId = idOf(req, event.subscriber)
  const email = textOf(event.email, 254)?.toLowerCase()
  if (!subscriberId && email) {
    subscriberId = (await payload.find({ collection: 'subscribers', where: { email: { equals: email } }, limit: 1, depth: 0 })).docs[0]?.id?.toString()
  }
  const subscriber = subscriberId ? await payload.findByID({ collection: 'subscribers', id: subscriberId, depth: 0, disableErrors: true }) : null
  const campaignId = idOf(req, event.campaign)
  const campaign = campaignId ? await payload.findByID({ collection: 'campaigns', id: campaignId, depth: 0, disableErrors: true }) : null
  try {
    await payload.create({
      collection: 'email-events',
      data: {
        sgEventId: eventKey(event),
        type,
        campaign: campaign?.id,
        subscriber: subscriber?.id,
        at: eventTime(event.timestamp),
        reason: textOf(event.reason, 500),
      },
      depth: 0,
    })
  } catch (error) {
    if (error instanceof ValidationError) return 'repeat' // SendGrid retried a batch we already took
    throw error
  }
  const suppressAs = SUPPRESSING[type]
  if (suppressAs && subscriber && (subscriber.status === 'confirmed' || subscriber.status === 'pending')) {
    await payload.update({ collection: 'subscribers', id: subscriber.id, data: { status: suppressAs }, depth: 0 })
    logger.info({ subscriberId: subscriber.id, event: type, status: suppressAs }, 'subscriber suppressed by a SendGrid event')
  }
  return 'stored'
}

/**
 * POST /api/email-events/sendgrid: SendGrid's Event Webhook. The ECDSA signature is checked on the raw
 * body (re-serialised JSON would not match) with `@sendgrid/eventwebhook`; a missing, wrong or stale
 * signature gets 401 and changes nothing.
 */
export const receiveSendGridEvents: PayloadHandler = async (req) => {
  const publicKey = getEnv().SENDGRID_WEBHOOK_PUBLIC_KEY
  if (!publicKey) return answer(404, 'The SendGrid event webhook is not configured here.')
  const body = await boundedText(req, SENDGRID_EVENTS_BODY_LIMIT, 'email-events')
  if (body instanceof BodyTooLarge) return answer(413, body.message)
  if (!signedBySendGrid(req, body, publicKey)) {
    logger.warn({ route: 'email-events' }, 'SendGrid event webhook: missing, invalid or stale signature')
    return answer(401, 'The signature is missing, invalid or too old.')
  }
  let events: unknown
  try {
    events = JSON.parse(body)
  } catch {
    return answer(400, 'The body is not JSON.')
  }
  if (!Array.isArray(events)) return answer(400, 'Expected a JSON array of events.')
  const outcomes = { stored: 0, repeat: 0, ignored: 0 }
  for (const event of events as SendGridEvent[]) {
    if (!event || typeof event !== 'object') {
      outcomes.ignored++
      continue
    }
    outcomes[await record(req, event)]++
  }
  return Response.json(outcomes, { status: 200 })
}
