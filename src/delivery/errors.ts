/**
 * The one error a channel adapter throws. `retryable` decides between the queue's retries with backoff
 * and failing the unit at once; `retryAfterMs` (a provider's 429) pauses the whole queue instead of
 * burning attempts; `pausesChannel` (a provider refusing our credentials) pauses the whole channel
 * until staff resume it, since every other unit would be refused the same way. The message is shown to staff as the unit's last error, so it says what happened in
 * words a person can act on.
 */
export class DeliveryError extends Error {
  override name = 'DeliveryError'
  readonly retryable: boolean
  readonly retryAfterMs?: number
  readonly pausesChannel: boolean

  constructor(message: string, options: { retryable: boolean; retryAfterMs?: number; pausesChannel?: boolean; cause?: unknown }) {
    super(message, { cause: options.cause })
    this.retryable = options.retryable
    this.retryAfterMs = options.retryAfterMs
    this.pausesChannel = options.pausesChannel ?? false
  }

  /** `error` as a DeliveryError: an unexpected one (a bug, the database gone mid-unit) is worth another attempt. */
  static from(error: unknown): DeliveryError {
    return error instanceof DeliveryError ? error : new DeliveryError(`Unexpected error: ${error instanceof Error ? error.message : String(error)}`, { retryable: true, cause: error })
  }
}
