import type { Env } from './env'
import { servedOverHttps, sessionCookies } from './http/session-policy'

/**
 * What breaks when production is reached over plain http, and how to fix it, as one line (undefined
 * on https, or outside production). One-click unsubscribe links must be https (RFC 8058 §3.1), so
 * mail clients ignore every List-Unsubscribe header; and the staff session cookie is Secure in
 * production on any host but this machine, so a browser on http never sends it back.
 */
export function plainHttpWarning(env: Pick<Env, 'PUBLIC_URL' | 'NODE_ENV'>): string | undefined {
  if (env.NODE_ENV !== 'production' || servedOverHttps(env)) return undefined
  const broken = ["every email's one-click unsubscribe (List-Unsubscribe) is invalid, since RFC 8058 requires an https link"]
  if (sessionCookies(env).secure) broken.push('staff cannot sign in, since the session cookie is Secure and browsers do not send it over http')
  return `PUBLIC_URL (${env.PUBLIC_URL}) is not https: ${broken.join('; ')}. Serve the site over https (TLS may end at a proxy in front of the app) and set PUBLIC_URL to its https:// address.`
}
