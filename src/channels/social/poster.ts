/** A post as a network adapter sends it, read fresh from the database when it goes out. */
export type OutgoingPost = {
  text: string
  /** The item's public page: linked from the text (Bluesky: in a link facet) and shown as a card. */
  link: string
  card: { title: string; description: string }
  /** The same for every attempt at this post: Mastodon's Idempotency-Key, the webhook's message id. */
  idempotencyKey: string
  /** Bluesky: the record key chosen when the post was planned, so a retry finds the post it made. */
  recordKey?: string | null
  /** The remote id of the post this one answers (a correction replies to the original). */
  replyTo?: string | null
}

/** Where and as whom a post goes out; the credential is unsealed only in the worker, for the request. */
export type SocialAccountAccess = { id: number | string; baseUrl: string; identifier?: string | null; credential: string }

export type PostedReceipt = { remoteId: string; url?: string }

/** A social network's API, as the post queues use it. Methods throw DeliveryError. */
export interface SocialPoster {
  publish(account: SocialAccountAccess, post: OutgoingPost): Promise<PostedReceipt>
  /** Deletes a post made earlier; a post already gone counts as deleted. */
  remove(account: SocialAccountAccess, remoteId: string, idempotencyKey: string): Promise<void>
}
