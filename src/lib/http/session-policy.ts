import type { Env } from '@/lib/env'

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

/** The origin browsers send for the app's own pages (scheme, host, port; no path or trailing slash). */
export const siteOrigin = (env: Pick<Env, 'PUBLIC_URL'>): string => new URL(env.PUBLIC_URL).origin

/** Whether people reach the app over https, as PUBLIC_URL says (TLS may end at a proxy in front). */
export const servedOverHttps = (env: Pick<Env, 'PUBLIC_URL'>): boolean => new URL(env.PUBLIC_URL).protocol === 'https:'

/**
 * The staff session cookie's attributes. Secure whenever the site is https, and in production
 * anywhere but this machine: a production server reached over plain http then cannot sign anyone in,
 * rather than sending sessions in clear. On this machine (`npm start` on http://localhost) it is not,
 * since Safari refuses a Secure cookie over http even there. SameSite=Lax: a cross-site form post
 * never carries the session.
 */
export function sessionCookies(env: Pick<Env, 'PUBLIC_URL' | 'NODE_ENV'>): { secure: boolean; sameSite: 'Lax' } {
  const loopback = LOOPBACK_HOSTS.has(new URL(env.PUBLIC_URL).hostname)
  return { secure: servedOverHttps(env) || (env.NODE_ENV === 'production' && !loopback), sameSite: 'Lax' }
}
