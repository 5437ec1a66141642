import { randomBytes } from 'node:crypto'

import { type NextRequest, NextResponse } from 'next/server'

import { getEnv } from '@/lib/env'
import { adminCsp, API_CSP, baseSecurityHeaders, noPageHeaders, QUEUE_DASHBOARD_CSP, withHeaders } from '@/lib/http/security-headers'

const under = (pathname: string, root: string) => pathname === root || pathname.startsWith(`${root}/`)

/**
 * Security headers for what Next.js and Payload answer themselves (the public pages, feeds and probes
 * set their own): the admin and the API, and Next.js's own answers: its files under /_next (scripts,
 * style sheets, fonts) and its error pages asked for by address. Each admin page gets a fresh script
 * nonce: Next.js reads it from the request's Content-Security-Policy header and puts it on the
 * scripts it renders.
 */
export function proxy(request: NextRequest): NextResponse {
  const env = getEnv()
  const { pathname } = request.nextUrl
  const isApi = under(pathname, '/api')
  if (!isApi && !under(pathname, '/admin')) return withHeaders(NextResponse.next(), noPageHeaders(env))
  const forwarded = new Headers(request.headers)
  let csp: string
  if (isApi) csp = API_CSP
  else if (under(pathname, '/admin/queues')) csp = QUEUE_DASHBOARD_CSP
  else {
    csp = adminCsp(randomBytes(16).toString('base64'), env)
    forwarded.set('content-security-policy', csp)
  }
  // Admin addresses name documents and searches: other sites never see them.
  return withHeaders(NextResponse.next({ request: { headers: forwarded } }), { ...baseSecurityHeaders(env), 'content-security-policy': csp, 'referrer-policy': 'same-origin' })
}

// Next.js's own error pages answer at these addresses whatever the app's routes (/404 and /500 too).
export const config = { matcher: ['/admin/:path*', '/api/:path*', '/_next/:path*', '/_not-found', '/_global-error', '/_error', '/404', '/500'] }
