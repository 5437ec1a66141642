import { createRestAPIClient, type mastodon } from 'masto'

import type { DeliveryError } from '@/delivery/errors'
import { httpDeliveryError, networkDeliveryError } from '@/delivery/http-failure'
import type { OutgoingPost, PostedReceipt, SocialAccountAccess, SocialPoster } from '@/channels/social/poster'

import { socialFailure } from './social-failure'

const REQUEST_TIMEOUT_MS = 30_000

type MastoError = Error & { statusCode?: number; cause?: unknown }

/**
 * Mastodon through `masto`: a status per post, sent with an Idempotency-Key (the post's ledger key),
 * so a retry after a crash mid-request gets the status the first attempt made instead of a second one
 * (Mastodon keeps the key for an hour). A correction replies to the original with `in_reply_to_id`.
 */
export class MastodonPoster implements SocialPoster {
  private client(account: SocialAccountAccess): mastodon.rest.Client {
    return createRestAPIClient({ url: account.baseUrl, accessToken: account.credential, timeout: REQUEST_TIMEOUT_MS })
  }

  async publish(account: SocialAccountAccess, post: OutgoingPost): Promise<PostedReceipt> {
    try {
      const status = await this.client(account).v1.statuses.create(
        { status: post.text, visibility: 'public', inReplyToId: post.replyTo ?? undefined },
        { requestInit: { headers: { 'Idempotency-Key': post.idempotencyKey } } },
      )
      return { remoteId: status.id, url: status.url ?? status.uri }
    } catch (error) {
      throw mastodonError(error)
    }
  }

  async remove(account: SocialAccountAccess, remoteId: string): Promise<void> {
    try {
      await this.client(account).v1.statuses.$select(remoteId).remove()
    } catch (error) {
      if ((error as MastoError).statusCode === 404) return // already gone: deleted by hand, or by an earlier attempt
      throw mastodonError(error)
    }
  }
}

/**
 * masto's MastoHttpError carries the status and Mastodon's `error` text, and the response as its
 * cause. Mastodon's 429 has no Retry-After but says when the window resets. An error page from a proxy
 * in front of Mastodon (HTML) reaches us without a status: like no answer at all, it is retried.
 */
function mastodonError(error: unknown): DeliveryError {
  const { statusCode: status, cause } = error as MastoError
  if (typeof status !== 'number') return networkDeliveryError('Mastodon', error)
  const reset = cause instanceof Response ? cause.headers.get('x-ratelimit-reset') : null
  return socialFailure(httpDeliveryError('Mastodon', status, (error as Error).message, reset ? new Date(reset).toUTCString() : null), 'access token')
}
