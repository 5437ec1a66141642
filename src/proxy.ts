import { randomBytes } from 'node:crypto'

import { type NextRequest, NextResponse } from 'next/server'

import { getEnv } from '@/lib/env'
import { adminCsp, API_CSP, baseSecurityHeaders, QUEUE_DASHBOARD_CSP } from '@/lib/http/security-headers'

const isQueueDashboard = (pathname: string) => pathname === '/admin/queues' || pathname.startsWith('/admin/queues/')

/**
 * Security headers for the admin and the API, Payload's Next.js routes (the public pages and feeds set
 * their own). Each admin page gets a fresh script nonce: Next.js reads it from the request's
 * Content-Security-Policy header and puts it on the scripts it renders.
 */
export function proxy(request: NextRequest): NextResponse {
  const env = getEnv()
  const { pathname } = request.nextUrl
  const forwarded = new Headers(request.headers)
  let csp: string
  if (pathname.startsWith('/api/')) csp = API_CSP
  else if (isQueueDashboard(pathname)) csp = QUEUE_DASHBOARD_CSP
  else {
    csp = adminCsp(randomBytes(16).toString('base64'), env)
    forwarded.set('content-security-policy', csp)
  }
  const response = NextResponse.next({ request: { headers: forwarded } })
  for (const [name, value] of Object.entries(baseSecurityHeaders(env))) response.headers.set(name, value)
  response.headers.set('content-security-policy', csp)
  // Admin addresses name documents and searches: other sites never see them.
  response.headers.set('referrer-policy', 'same-origin')
  return response
}

export const config = { matcher: ['/admin/:path*', '/api/:path*'] }
