import { Client } from '@sendgrid/client'
import { MailService, type MailDataRequired } from '@sendgrid/mail'

import type { DeliveryError } from '@/domain/errors'
import { httpDeliveryError, networkDeliveryError } from '@/domain/http-failure'

export type OutgoingRecipient = { email: string; unsubscribeUrl: string; preferencesUrl: string; customArgs: Record<string, string> }

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

/**
 * Sends one batch through SendGrid's v3 mail send API with the official client: one request, one
 * personalization per recipient carrying their own links (substitutions; the unsubscribe one also in the RFC 8058
 * List-Unsubscribe headers) and custom_args that tie SendGrid's events back to the campaign, batch and
 * subscriber. The base URL is configurable so a local sink can stand in for SendGrid.
 */
export class SendGridMailer {
  private readonly mail = new MailService()

  constructor(apiKey: string, baseUrl: string, timeoutMs = 30_000) {
    const client = new Client()
    client.setApiKey(apiKey)
    // setApiKey resets the base URL: set it afterwards.
    client.setDefaultRequest('baseUrl', baseUrl)
    this.mail.setClient(client)
    this.mail.setTimeout(timeoutMs)
  }

  /** One transactional message (a confirmation link): no list headers. Throws DeliveryError. */
  sendOne(message: { from: { email: string; name: string }; to: string; subject: string; html: string; text: string }): Promise<string> {
    return this.post({ from: message.from, to: message.to, subject: message.subject, text: message.text, html: message.html })
  }

  /** SendGrid's message id for the batch. Throws DeliveryError. */
  send(batch: OutgoingBatch): Promise<string> {
    return this.post({
      from: batch.from,
      subject: batch.subject,
      text: batch.text,
      html: batch.html,
      personalizations: batch.recipients.map((recipient) => ({
        to: [{ email: recipient.email }],
        substitutions: { unsubscribe_url: recipient.unsubscribeUrl, preferences_url: recipient.preferencesUrl },
        headers: { 'List-Unsubscribe': `<${recipient.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
        customArgs: recipient.customArgs,
      })),
    })
  }

  /** One mail send request; SendGrid's message id, or its refusal as a DeliveryError. */
  private async post(data: MailDataRequired): Promise<string> {
    try {
      const [response] = await this.mail.send(data)
      return String((response.headers as Record<string, string>)['x-message-id'] ?? '')
    } catch (error) {
      throw deliveryError(error as SendGridFailure)
    }
  }
}
