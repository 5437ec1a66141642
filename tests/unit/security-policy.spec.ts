import { describe, expect, it } from 'vitest'

import { clientIp } from '../../src/lib/http/client-ip'
import { adminCsp, API_CSP, baseSecurityHeaders, NO_PAGE_CSP, noPageHeaders, QUEUE_DASHBOARD_CSP } from '../../src/lib/http/security-headers'
import { sessionCookies, siteOrigin } from '../../src/lib/http/session-policy'

describe('the session cookie', () => {
  it('is Secure on an https site, and in production anywhere but this machine', () => {
    const cases: [string, 'development' | 'production', boolean][] = [
      ['https://news.example.org', 'development', true],
      ['https://news.example.org', 'production', true],
      ['http://news.example.org', 'production', true],
      ['http://192.0.2.10:8080', 'production', true],
      ['http://news.example.org', 'development', false],
      // npm start (production mode) on this machine: browsers would drop a Secure cookie over http.
      ['http://localhost:3000', 'production', false],
      ['http://127.0.0.1:3000', 'production', false],
      ['http://[::1]:3000', 'production', false],
    ]
    for (const [PUBLIC_URL, NODE_ENV, secure] of cases) expect(sessionCookies({ PUBLIC_URL, NODE_ENV }), `${PUBLIC_URL} in ${NODE_ENV}`).toEqual({ secure, sameSite: 'Lax' })
  })
})

describe('the allowed origin (Payload csrf)', () => {
  it('is PUBLIC_URL as browsers send Origin: scheme, host and port only', () => {
    expect(siteOrigin({ PUBLIC_URL: 'https://news.example.org/' })).toBe('https://news.example.org')
    expect(siteOrigin({ PUBLIC_URL: 'https://news.example.org/alerts/' })).toBe('https://news.example.org')
    expect(siteOrigin({ PUBLIC_URL: 'http://localhost:3000' })).toBe('http://localhost:3000')
    expect(siteOrigin({ PUBLIC_URL: 'https://news.example.org:443' })).toBe('https://news.example.org')
  })
})

describe('security headers', () => {
  it('keep https (HSTS) only when the site is https', () => {
    expect(baseSecurityHeaders({ PUBLIC_URL: 'https://news.example.org' })).toEqual({
      'x-content-type-options': 'nosniff',
      'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
      'strict-transport-security': 'max-age=31536000',
    })
    expect(baseSecurityHeaders({ PUBLIC_URL: 'http://localhost:3000' })).not.toHaveProperty('strict-transport-security')
  })

  it('let the admin run only scripts carrying its nonce (and what they load), eval only under next dev', () => {
    const production = adminCsp('abc123', { NODE_ENV: 'production' })
    expect(production).toContain("script-src 'self' 'nonce-abc123' 'strict-dynamic';")
    expect(production).not.toContain('unsafe-eval')
    expect(production).toContain("frame-ancestors 'self'")
    expect(production).toContain("object-src 'none'")
    expect(adminCsp('abc123', { NODE_ENV: 'development' })).toContain("'nonce-abc123' 'strict-dynamic' 'unsafe-eval';")
  })

  it('never allow inline script on the queue dashboard or anything to run from an API answer', () => {
    expect(QUEUE_DASHBOARD_CSP).toContain("script-src 'self';")
    expect(API_CSP).toBe("default-src 'none'; frame-ancestors 'self'")
  })

  it('let nothing in an answer that is no page (feeds, probes, static files) run, load or be framed, and send no referrer from it', () => {
    expect(NO_PAGE_CSP).toBe("default-src 'none'; frame-ancestors 'none'")
    expect(noPageHeaders({ PUBLIC_URL: 'https://news.example.org' })).toEqual({
      ...baseSecurityHeaders({ PUBLIC_URL: 'https://news.example.org' }),
      'content-security-policy': NO_PAGE_CSP,
      'referrer-policy': 'no-referrer',
    })
    expect(noPageHeaders({ PUBLIC_URL: 'http://localhost:3000' })).not.toHaveProperty('strict-transport-security')
  })
})

describe('the client address for rate limits', () => {
  it('is the last X-Forwarded-For entry, the one the proxy in front added, whatever the client sent before it', () => {
    expect(clientIp(new Headers({ 'x-forwarded-for': '203.0.113.7' }))).toBe('203.0.113.7')
    expect(clientIp(new Headers({ 'x-forwarded-for': '1.2.3.4, 5.6.7.8,  203.0.113.7 ' }))).toBe('203.0.113.7')
    expect(clientIp(new Headers())).toBe('unknown')
  })
})
