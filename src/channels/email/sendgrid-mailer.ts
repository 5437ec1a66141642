import { Client } from '@sendgrid/client'
import type { ClientResponse } from '@sendgrid/client/src/response'
import { MailService } from '@sendgrid/mail'

import type { DeliveryError } from '@/delivery/errors'
import { httpDeliveryError, networkDeliveryError } from '@/delivery/http-failure'

/** One person in a batch: their address and what is theirs alone in the shared message. */
export type OutgoingRecipient = {
  email: string
  /** Placeholder (as it appears in the subject and bodies, e.g. "{{unsubscribe_url_…}}") → this person's value. */
  substitutions: Record<string, string>
  /** Headers of this person's copy (e.g. List-Unsubscribe). */
  headers?: Record<string, string>
  /** Echoed back in SendGrid's events, so they can be tied to a campaign, batch and subscriber. */
  customArgs?: Record<string, string>
}

/** One message with placeholders, sent to up to 1,000 people in one request. */
export type OutgoingBatch = {
  from: { email: string; name: string }
  subject: string
  html: string
  text: string
  recipients: OutgoingRecipient[]
}

type SendGridFailure = Error & { code?: number | string; response?: { headers?: Record<string, string>; body?: { errors?: { message?: string; field?: string | null }[] } } }

/** SendGrid's 429 carries X-RateLimit-Reset (epoch seconds); Retry-After where a proxy adds one. */
const retryAfter = (headers: Record<string, string> | undefined): string | undefined => {
  if (!headers) return undefined
  if (headers['retry-after']) return headers['retry-after']
  const reset = Number(headers['x-ratelimit-reset'])
  return Number.isFinite(reset) && reset > 0 ? String(Math.max(1, reset - Math.floor(Date.now() / 1000))) : undefined
}

function deliveryError(error: SendGridFailure): DeliveryError {
  if (typeof error.code !== 'number' || !error.response) return networkDeliveryError('SendGrid', error)
  const said = (error.response.body?.errors ?? []).map((item) => (item.field ? `${item.field}: ${item.message}` : item.message)).join('; ')
  return httpDeliveryError('SendGrid', error.code, said || error.message, retryAfter(error.response.headers))
}

/** The v3 mail send body of a batch, as SendGrid documents it (snake_case, one personalization each). */
function batchBody(batch: OutgoingBatch) {
  return {
    from: batch.from,
    subject: batch.subject,
    content: [
      { type: 'text/plain', value: batch.text },
      { type: 'text/html', value: batch.html },
    ],
    personalizations: batch.recipients.map((recipient) => ({
      to: [{ email: recipient.email }],
      substitutions: recipient.substitutions,
      ...(recipient.headers ? { headers: recipient.headers } : {}),
      ...(recipient.customArgs ? { custom_args: recipient.customArgs } : {}),
    })),
  }
}

/**
 * SendGrid's v3 mail send API through the official clients. A single message (a confirmation link,
 * Payload's own mail) goes through `@sendgrid/mail`. A batch is one request with one personalization
 * per recipient carrying what is theirs (their links as substitutions, their headers, custom_args);
 * it is posted with `@sendgrid/client` (what `@sendgrid/mail` sends through) because the
 * mail helper deep-clones and re-cases every personalization, which cost 1.7 s of CPU per 100,000
 * recipients. The base URL is configurable so a local sink can stand in for SendGrid.
 */
export class SendGridMailer {
  private readonly client = new Client()
  private readonly mail = new MailService()

  constructor(apiKey: string, baseUrl: string, timeoutMs = 30_000) {
    this.client.setApiKey(apiKey)
    // setApiKey resets the base URL: set it afterwards.
    this.client.setDefaultRequest('baseUrl', baseUrl)
    this.mail.setClient(this.client)
    this.mail.setTimeout(timeoutMs)
  }

  /** One transactional message (a confirmation link): no list headers. Throws DeliveryError. */
  sendOne(message: { from: { email: string; name: string }; to: string; subject: string; html?: string; text?: string }): Promise<string> {
    const content = [...(message.text ? [{ type: 'text/plain', value: message.text }] : []), ...(message.html ? [{ type: 'text/html', value: message.html }] : [])]
    return messageId(this.mail.send({ from: message.from, to: message.to, subject: message.subject, content: content as [{ type: string; value: string }] }))
  }

  /** SendGrid's message id for the batch. Throws DeliveryError. */
  send(batch: OutgoingBatch): Promise<string> {
    return messageId(this.client.request({ method: 'POST', url: '/v3/mail/send', body: batchBody(batch) }))
  }
}

/** SendGrid's message id from a mail send response, or its refusal as a DeliveryError. */
async function messageId(request: Promise<[ClientResponse, unknown]>): Promise<string> {
  try {
    const [response] = await request
    return String((response.headers as Record<string, string>)['x-message-id'] ?? '')
  } catch (error) {
    throw deliveryError(error as SendGridFailure)
  }
}
