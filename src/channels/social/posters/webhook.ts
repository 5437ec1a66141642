import { Webhook } from 'standardwebhooks'

import type { DeliveryError } from '@/delivery/errors'
import { httpDeliveryError, networkDeliveryError } from '@/delivery/http-failure'
import type { OutgoingPost, PostedReceipt, SocialAccountAccess, SocialPoster } from '@/channels/social/poster'

import { socialFailure } from './social-failure'

const REQUEST_TIMEOUT_MS = 15_000
const SECRET_PREFIX = 'whsec_'

/** What the receiving service gets: one JSON message per post or deletion. */
export type WebhookMessage =
  | { type: 'post.created'; id: string; text: string; link: string; card: OutgoingPost['card']; replyTo: string | null }
  | { type: 'post.deleted'; id: string; postId: string }

/**
 * A generic webhook for services such as Buffer or an automation tool, signed the Standard Webhooks
 * way (`webhook-id`, `webhook-timestamp`, `webhook-signature`: HMAC-SHA256 of id, time and body), so
 * receivers can use that spec's libraries to verify it. The message id is the post's ledger key, the
 * same on every attempt, for the receiver to drop repeats. The account's secret is a `whsec_…` key,
 * or any other string used as the key's bytes.
 */
export class WebhookPoster implements SocialPoster {
  async publish(account: SocialAccountAccess, post: OutgoingPost): Promise<PostedReceipt> {
    const answer = await this.send(account, { type: 'post.created', id: post.idempotencyKey, text: post.text, link: post.link, card: post.card, replyTo: post.replyTo ?? null })
    // A receiver may answer with its own id and address for the post; otherwise ours stands.
    const said = (answer && typeof answer === 'object' ? answer : {}) as { id?: unknown; url?: unknown }
    return { remoteId: typeof said.id === 'string' || typeof said.id === 'number' ? String(said.id) : post.idempotencyKey, url: typeof said.url === 'string' ? said.url : undefined }
  }

  async remove(account: SocialAccountAccess, remoteId: string, idempotencyKey: string): Promise<void> {
    await this.send(account, { type: 'post.deleted', id: idempotencyKey, postId: remoteId })
  }

  private async send(account: SocialAccountAccess, message: WebhookMessage): Promise<unknown> {
    const body = JSON.stringify(message)
    const signer = account.credential.startsWith(SECRET_PREFIX) ? new Webhook(account.credential) : new Webhook(account.credential, { format: 'raw' })
    const sentAt = new Date()
    let response: Response
    try {
      response = await fetch(account.baseUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': message.id,
          'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
          'webhook-signature': signer.sign(message.id, sentAt, body),
        },
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      })
    } catch (error) {
      throw networkDeliveryError('The webhook', error)
    }
    const text = await response.text().catch(() => '')
    if (!response.ok) throw webhookError(response, text)
    try {
      return text ? JSON.parse(text) : undefined
    } catch {
      return undefined
    }
  }
}

const webhookError = (response: Response, text: string): DeliveryError =>
  socialFailure(httpDeliveryError('The webhook', response.status, text, response.headers.get('retry-after')), 'signing secret')
