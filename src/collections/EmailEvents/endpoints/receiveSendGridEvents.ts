import { createHash } from 'node:crypto'

import { ValidationError, type PayloadHandler, type PayloadRequest } from 'payload'

import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySendGridSignature } from '@/adapters/sendgrid-event-signature'
import { EMAIL_EVENT_TYPES, type EmailEventType, SUPPRESSING } from '@/domain/email/email-events'
import { getEnv } from '@/lib/env'
import { logger } from '@/lib/logger'

const MAX_BODY_BYTES = 5 * 1024 * 1024
/** A signed batch older (or newer) than this is refused: a captured request cannot be replayed later. */
const MAX_SKEW_SECONDS = 600

type SendGridEvent = {
  event?: string
  email?: string
  timestamp?: number
  sg_event_id?: string
  reason?: string
  campaign?: string
  subscriber?: string
}

const answer = (status: number, message: string) => Response.json({ message }, { status })

/** Whether the raw body carries SendGrid's valid, fresh ECDSA signature. */
function signedBySendGrid(req: PayloadRequest, body: string, publicKey: string): boolean {
  const signature = req.headers.get(SIGNATURE_HEADER) ?? ''
  const timestamp = req.headers.get(TIMESTAMP_HEADER) ?? ''
  if (!signature || !/^\d{1,12}$/.test(timestamp)) return false
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > MAX_SKEW_SECONDS) return false
  return verifySendGridSignature(publicKey, body, signature, timestamp)
}

const idOf = (value: string | undefined) => (value && /^\d{1,12}$|^[a-f0-9]{24}$/.test(value) ? value : undefined)

async function record(req: PayloadRequest, event: SendGridEvent): Promise<'stored' | 'repeat' | 'ignored'> {
  const type = event.event as EmailEventType
  if (!EMAIL_EVENT_TYPES.includes(type)) return 'ignored'
  const { payload } = req
  let subscriberId = idOf(event.subscriber)
  if (!subscriberId && event.email) {
    subscriberId = (await payload.find({ collection: 'subscribers', where: { email: { equals: event.email.toLowerCase() } }, limit: 1, depth: 0 })).docs[0]?.id?.toString()
  }
  const subscriber = subscriberId ? await payload.findByID({ collection: 'subscribers', id: subscriberId, depth: 0, disableErrors: true }) : null
  const campaignId = idOf(event.campaign)
  const campaign = campaignId ? await payload.findByID({ collection: 'campaigns', id: campaignId, depth: 0, disableErrors: true }) : null
  const sgEventId = event.sg_event_id ?? createHash('sha256').update(JSON.stringify(event)).digest('base64url')
  try {
    await payload.create({
      collection: 'email-events',
      data: {
        sgEventId,
        type,
        campaign: campaign?.id,
        subscriber: subscriber?.id,
        at: new Date((Number(event.timestamp) || Date.now() / 1000) * 1000).toISOString(),
        reason: event.reason?.slice(0, 500),
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
  if (Number(req.headers.get('content-length') ?? 0) > MAX_BODY_BYTES) return answer(413, 'The request is too large.')
  const body = (await req.text?.()) ?? ''
  if (Buffer.byteLength(body) > MAX_BODY_BYTES) return answer(413, 'The request is too large.')
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
