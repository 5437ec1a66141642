import { APIError, type CollectionAfterLoginHook, type CollectionBeforeOperationHook, type PayloadRequest } from 'payload'

import { clientIp } from '@/lib/http/client-ip'
import { giveBack, type Limit, overLimit } from '@/lib/http/rate-limits'

/**
 * Per network address, beside the per-account lock (maxLoginAttempts): failed sign-ins (a success
 * gives its point back, so an office of staff behind one address is never held up), and password-reset
 * requests, each of which sends an email.
 */
export const SIGN_IN_LIMITS = {
  failedLogins: { points: 20, durationSeconds: 15 * 60 },
  passwordResets: { points: 10, durationSeconds: 60 * 60 },
} satisfies Record<string, Limit>

/** Named, so payload.config's loggingLevels leave its log line to logApiErrors (a warning with the request). */
class TooManyAttempts extends APIError {
  constructor(message: string) {
    super(message, 429, undefined, true)
    this.name = 'TooManyAttempts'
  }
}

// Local API calls are the app's own code (seeds, scripts, tests), not someone at the door.
const fromOutside = (req: PayloadRequest) => req.payloadAPI !== 'local'

/** Refuses a sign-in or reset request from an address over its limit: 429 with Retry-After. */
export const limitSignInsPerAddress: CollectionBeforeOperationHook = async ({ operation, req }) => {
  if ((operation !== 'login' && operation !== 'forgotPassword') || !fromOutside(req)) return
  const [name, limit] = operation === 'login' ? ['login-ip', SIGN_IN_LIMITS.failedLogins] : ['forgot-password-ip', SIGN_IN_LIMITS.passwordResets]
  const wait = await overLimit(name, limit, clientIp(req.headers))
  if (!wait) return
  const headers = new Headers(req.responseHeaders)
  headers.set('retry-after', String(wait))
  req.responseHeaders = headers
  const what = operation === 'login' ? 'failed sign-ins' : 'password reset requests'
  throw new TooManyAttempts(`Too many ${what} from your network. Please try again in ${Math.ceil(wait / 60)} minute(s).`)
}

/** A successful sign-in does not count against its address. */
export const forgiveSuccessfulSignIn: CollectionAfterLoginHook = async ({ req }) => {
  if (fromOutside(req)) await giveBack('login-ip', SIGN_IN_LIMITS.failedLogins, clientIp(req.headers))
}
