import { DeliveryError } from '@/delivery/errors'

const DEFAULT_RETRY_AFTER_MS = 30_000
const MAX_RETRY_AFTER_MS = 15 * 60_000

/** A Retry-After header (seconds, or an HTTP date) as milliseconds from `now`, within sane bounds. */
export function retryAfterMs(header: string | null | undefined, now = Date.now()): number {
  if (!header) return DEFAULT_RETRY_AFTER_MS
  const seconds = Number(header)
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - now
  if (!Number.isFinite(ms) || ms <= 0) return DEFAULT_RETRY_AFTER_MS
  return Math.min(ms, MAX_RETRY_AFTER_MS)
}

/**
 * What a provider's failed HTTP answer means for the unit: 429 slows the queue down; 401 and 403
 * (our credentials refused) fail it and pause the channel, since every other unit would be refused
 * too; other 4xx are refusals that retrying will not change (shown to staff with the provider's own
 * words); 5xx and anything else are worth retrying.
 */
export function httpDeliveryError(provider: string, status: number, detail: string, retryAfter?: string | null): DeliveryError {
  const said = detail.trim().slice(0, 500)
  const message = `${provider} answered ${status}${said ? `: ${said}` : ''}`
  if (status === 429) return new DeliveryError(message, { retryable: true, retryAfterMs: retryAfterMs(retryAfter) })
  if (status === 401 || status === 403) return new DeliveryError(message, { retryable: false, pausesChannel: true })
  if (status >= 400 && status < 500) return new DeliveryError(message, { retryable: false })
  return new DeliveryError(message, { retryable: true })
}

/** A request that got no answer at all (refused, reset, timed out): always worth retrying. */
export function networkDeliveryError(provider: string, error: unknown): DeliveryError {
  const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)
  return new DeliveryError(`Could not reach ${provider}: ${reason}`, { retryable: true, cause: error })
}
