import type { Env } from '@/lib/env'
import { servedOverHttps } from '@/lib/http/session-policy'

/** A year; browsers ignore the header over plain http, and it is only sent when the site is https. */
const HSTS = 'max-age=31536000'

/** Nothing on the site asks for these; a page that did (injected or framed) is refused them. */
const PERMISSIONS_POLICY = 'camera=(), microphone=(), geolocation=(), payment=(), usb=()'

/** Headers every page, feed, admin and API response carries: no MIME sniffing, no powerful features, https kept. */
export function baseSecurityHeaders(env: Pick<Env, 'PUBLIC_URL'>): Record<string, string> {
  return {
    'x-content-type-options': 'nosniff',
    'permissions-policy': PERMISSIONS_POLICY,
    ...(servedOverHttps(env) ? { 'strict-transport-security': HSTS } : {}),
  }
}

/**
 * The public pages' policy: no script at all, only the site's own style sheet (by its hash, so an
 * injected <style> or style attribute does nothing), images from this origin and the site's address,
 * forms posting only here, never framed.
 */
export const publicPageCsp = (styleHash: string, siteUrl: string): string =>
  [
    "default-src 'none'",
    `style-src '${styleHash}'`,
    `img-src 'self' ${new URL(siteUrl).origin}`,
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ')

/**
 * The admin's policy (Payload's Next.js app). Scripts only with this response's nonce, and what they
 * load ('strict-dynamic'): Next.js puts the nonce on its own inline and bundle scripts. Inline styles
 * stay allowed: Payload's components set style attributes. Everything else from this origin only;
 * framed only by the admin itself.
 */
export const adminCsp = (nonce: string, env: Pick<Env, 'NODE_ENV'>): string =>
  [
    "default-src 'self'",
    // `next dev` evaluates its modules (React's dev tools, hot reload); a production build never does.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${env.NODE_ENV === 'development' ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
  ].join('; ')

/**
 * The queue dashboard (bull-board) at /admin/queues: its own bundle, no inline script; its style
 * attributes need inline styles. The web fonts it asks Google for are refused (staff browsers do not
 * report to a third party), so it shows in the system font.
 */
export const QUEUE_DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ')

/** The API (JSON, GraphQL, uploaded files): nothing in an answer runs or loads anything; only the admin frames it. */
export const API_CSP = "default-src 'none'; frame-ancestors 'self'"

/**
 * An answer that is no page of the app's (a feed, a probe's JSON or text, Next.js's own files and
 * error pages): nothing in it runs or loads anything, nothing frames it. A script or style sheet runs
 * under the policy of the page that loads it, never its own; Next.js's error pages, which only a
 * request for their address reaches, show as plain text.
 */
export const NO_PAGE_CSP = "default-src 'none'; frame-ancestors 'none'"

/** The headers of an answer that is no page: its policy, no referrer sent from it, and those every response carries. */
export function noPageHeaders(env: Pick<Env, 'PUBLIC_URL'>): Record<string, string> {
  return { ...baseSecurityHeaders(env), 'content-security-policy': NO_PAGE_CSP, 'referrer-policy': 'no-referrer' }
}

/** `response` with `headers` set on it (replacing any of the same name). */
export function withHeaders<R extends Response>(response: R, headers: Record<string, string>): R {
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value)
  return response
}
