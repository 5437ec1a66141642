/**
 * `npm start` on a fresh data directory, as the README's quick start promises: it starts the embedded
 * database and its own redis-server, builds if needed, seeds, serves the admin and the API, and stops
 * everything it started on Ctrl-C.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

import axe from 'axe-core'
import pg from 'pg'
import { chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'

import { startFakeMastodon } from '../fakes/mastodon'
import { freePort } from '../helpers/free-port'

let launcher: ChildProcess
let output = ''
let scratch: string
let dataDir: string
const ports = { app: 0, db: 0, redis: 0, mail: 0, worker: 0 }
/** Debian's chromium package (Playwright's own browser downloads do not work here). */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
/** Files CI keeps from a run: screenshots. */
const ARTIFACTS = path.resolve('artifacts')
const url = (p: string) => `http://127.0.0.1:${ports.app}${p}`

/** The first admin's credentials, as `npm start` printed them. */
const firstAdmin = () => {
  const [, email, password] = /First admin created: (\S+) \/ (\S+)/.exec(output)!
  return { email: email!, password: password! }
}
/** The first admin's API headers (JSON, signed in). */
const adminHeaders = async () => {
  const { token } = (await (await fetch(url('/api/users/login'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(firstAdmin()) })).json()) as { token: string }
  return { 'content-type': 'application/json', authorization: `JWT ${token}` }
}
/** Publishes an announcement (urgent unless said) through the REST API as the first admin. */
const publishStatement = async (title: string, urgency: 'urgent' | 'standard' = 'urgent') => {
  const body = { root: { type: 'root', direction: 'ltr', format: '', indent: 0, version: 1, children: [{ type: 'paragraph', direction: 'ltr', format: '', indent: 0, version: 1, textFormat: 0, children: [{ type: 'text', text: 'Body.', format: 0, detail: 0, mode: 'normal', style: '', version: 1 }] }] } }
  return fetch(url('/api/announcements'), { method: 'POST', headers: await adminHeaders(), body: JSON.stringify({ title, summary: 'Summary.', body, urgency, _status: 'published' }) })
}

/**
 * axe-core on the page as it is now: no serious or critical violation. It goes in as an inline script,
 * which the pages' Content-Security-Policy refuses: open the page with `bypassCSP` (the security
 * headers test checks the pages under their policy).
 */
async function expectAccessible(page: Page, label: string) {
  await page.addScriptTag({ content: axe.source })
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run: () => Promise<{ violations: { id: string; impact: string; help: string; nodes: unknown[] }[] }> } }).axe.run()
    return result.violations.map((violation) => ({ id: violation.id, impact: violation.impact, help: violation.help, nodes: violation.nodes.length }))
  })
  expect(violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical'), label).toEqual([])
}

const answers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    socket.once('connect', () => (socket.destroy(), resolve(true)))
    socket.once('error', () => resolve(false))
  })

async function until(check: () => Promise<boolean>, seconds: number, what: string) {
  const deadline = Date.now() + seconds * 1000
  while (Date.now() < deadline) {
    if (launcher.exitCode !== null) throw new Error(`npm start exited (${launcher.exitCode}) before ${what}:\n${output}`)
    if (await check().catch(() => false)) return
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  throw new Error(`timed out waiting for ${what}:\n${output}`)
}

beforeAll(async () => {
  // A data folder that does not exist yet, with the secrets given: npm start makes the folder itself.
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'npm-start-'))
  dataDir = path.join(scratch, 'not-yet', 'data')
  ports.app = await freePort()
  ports.db = await freePort()
  ports.redis = await freePort()
  ports.mail = await freePort()
  ports.worker = await freePort()
  launcher = spawn('npm', ['start'], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATA_DIR: dataDir,
      PAYLOAD_SECRET: randomBytes(32).toString('hex'),
      SOCIAL_CREDENTIALS_KEY: randomBytes(32).toString('hex'),
      PORT: String(ports.app),
      PUBLIC_URL: `http://127.0.0.1:${ports.app}`,
      EMBEDDED_DB_PORT: String(ports.db),
      // Nothing listens here: npm start must run its own redis-server.
      REDIS_URL: `redis://127.0.0.1:${ports.redis}`,
      MAIL_SINK_PORT: String(ports.mail),
      WORKER_HTTP_PORT: String(ports.worker),
      // A provider that takes a second per request, and batches of 500: a 10,000-person campaign then
      // takes several seconds, long enough to be seen going out on the delivery dashboard.
      MAIL_SINK_LATENCY_MS: '1000',
      EMAIL_BATCH_SIZE: '500',
    } as Record<string, string | undefined> as NodeJS.ProcessEnv,
    detached: true,
  })
  launcher.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  launcher.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  await until(async () => (await fetch(url('/admin/login'))).status === 200, 540, 'the admin login page')
})

afterAll(async () => {
  // Whatever a failed test left running; the group is gone when the Ctrl-C test passed. npm start
  // runs its children in groups of their own, so it is asked to stop them first.
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-launcher.pid!, name)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error
    }
  }
  if (launcher?.pid && launcher.exitCode === null) {
    const exited = new Promise((resolve) => launcher.once('exit', resolve))
    signal('SIGTERM')
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 60_000))])
    signal('SIGKILL')
  }
  fs.rmSync(scratch, { recursive: true, force: true })
})

it('prints the first admin once and seeds the demo content', () => {
  expect(output).toMatch(/First admin created: admin@example\.org \/ \S{12,}/)
  expect(output).toContain('Demo content seeded')
  expect(output).toContain(`redis-server (data in ${path.join(dataDir, 'redis')})`)
})

it('serves the seeded urgent announcement, published, from the API', async () => {
  const response = await fetch(url('/api/announcements'))
  expect(response.status).toBe(200)
  const { docs } = (await response.json()) as { docs: { title: string; _status: string; urgency: string }[] }
  expect(docs).toEqual([expect.objectContaining({ _status: 'published', urgency: 'urgent', title: expect.stringContaining('near breaking point') })])
})

it('serves the public pages: the home page with the urgent banner, the statement, the report', async () => {
  const home = await fetch(url('/'))
  expect(home.status).toBe(200)
  const html = await home.text()
  expect(html).toContain('<section class="urgent-banner"')
  const statement = /<a href="(\/announcements\/[^"]+)">[^<]*near breaking point/.exec(html)![1]!
  const page = await fetch(url(statement))
  expect(page.status).toBe(200)
  expect(await page.text()).toContain('near breaking point')
  const report = /<a href="(\/reports\/[^"]+)">/.exec(html)![1]!
  expect(await (await fetch(url(report))).text()).toContain('Download the report (PDF,')
  expect((await fetch(url('/announcements/no-such-statement'))).status).toBe(404)
})

it('serves the report PDF', async () => {
  const { docs } = (await (await fetch(url('/api/reports?depth=1'))).json()) as { docs: { reportFile: { url: string; mimeType: string } }[] }
  // Payload answers with absolute URLs built from PUBLIC_URL.
  const pdf = await fetch(docs[0]!.reportFile.url)
  expect(pdf.status).toBe(200)
  expect(pdf.headers.get('content-type')).toBe('application/pdf')
  expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-')
})

it('serves the feeds the worker built from the seeded content', async () => {
  // The worker rebuilds every feed at start: the seed wrote its content without events.
  await until(async () => (await (await fetch(url('/feed.xml'))).text()).includes('near breaking point'), 60, 'the seeded statement in /feed.xml')
  const response = await fetch(url('/feed.xml'))
  expect(response.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8')
  expect((await fetch(url('/feed.xml'), { headers: { 'if-none-match': response.headers.get('etag')! } })).status).toBe(304)
  const urgent = (await (await fetch(url('/urgent/feed.json'))).json()) as { items: { title: string }[] }
  expect(urgent.items.map((item) => item.title)).toEqual([expect.stringContaining('near breaking point')])
})

it('runs the local mail sink when no SendGrid key is set, and alerts go there', async () => {
  expect(output).toContain(`inbox at http://127.0.0.1:${ports.mail}/inbox`)
  const subscriber = await fetch(url('/api/subscribers'), { method: 'POST', headers: await adminHeaders(), body: JSON.stringify({ email: 'reader@example.net', status: 'confirmed' }) })
  expect(subscriber.status).toBe(201)
  expect((await publishStatement('An alert by email')).status).toBe(201)
  await until(async () => (await (await fetch(`http://127.0.0.1:${ports.mail}/inbox`)).text()).includes('URGENT: An alert by email'), 60, 'the alert in the mail sink')
})

it('serves the delivery dashboard, upcoming launches and the queue dashboard to the first admin, and answers the health probes', async () => {
  const headers = await adminHeaders()
  const dashboard = await fetch(url('/admin/deliveries'), { headers })
  expect(dashboard.status).toBe(200)
  const html = await dashboard.text()
  expect(html).toContain('Email campaigns')
  expect(html).toContain('Needs you')
  expect(html).toContain('URGENT: An alert by email') // the campaign of the test above
  const launches = await fetch(url('/admin/launches'), { headers })
  expect(launches.status).toBe(200)
  expect(await launches.text()).toContain('Upcoming launches')
  const queues = await fetch(url('/admin/queues'), { headers })
  expect(queues.status).toBe(200)
  expect(await queues.text()).toContain('<title>Delivery queues</title>')
  expect((await fetch(url('/admin/queues'))).status).toBe(401)
  expect((await fetch(url('/readyz'))).status).toBe(200)
  await until(async () => (await fetch(`http://127.0.0.1:${ports.worker}/readyz`).catch(() => undefined))?.status === 200, 30, 'the worker to be ready')
})

it('has no serious or critical accessibility problems on any public page type (axe-core in Chromium), and saves the home page at 1280 and 375 px', async () => {
  const home = await (await fetch(url('/'))).text()
  const statement = /<a href="(\/announcements\/[^"]+)">/.exec(home)![1]!
  const report = /<a href="(\/reports\/[^"]+)">/.exec(home)![1]!
  const topic = /<a href="(\/topics\/[^"]+)">/.exec(await (await fetch(url(statement))).text())?.[1]
  const pages = ['/', statement, report, '/archive', '/subscribe', '/announcements/no-such-statement', ...(topic ? [topic] : [])]
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, bypassCSP: true })
    for (const address of pages) {
      await page.goto(url(address))
      await expectAccessible(page, address)
    }
    fs.mkdirSync(ARTIFACTS, { recursive: true })
    for (const width of [1280, 375]) {
      await page.setViewportSize({ width, height: 900 })
      await page.goto(url('/'))
      expect(await page.locator('section.urgent-banner').isVisible()).toBe(true)
      // Nothing wider than the screen: the layout works on a phone.
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true)
      await page.screenshot({ path: path.join(ARTIFACTS, `home-${width}.png`), fullPage: true })
    }
  } finally {
    await browser.close()
  }
}, 120_000)

/** The headers every answer carries, whatever it is. */
const common = (response: Response, label: string) => {
  expect(response.headers.get('x-content-type-options'), label).toBe('nosniff')
  expect(response.headers.get('permissions-policy'), label).toBe('camera=(), microphone=(), geolocation=(), payment=(), usb=()')
  // Plain http on this machine: no HSTS (PUBLIC_URL is http).
  expect(response.headers.get('strict-transport-security'), label).toBeNull()
}

it('sends the security headers on public pages, feeds, the API and the admin; pages and admin run under their policies in Chromium; sign-in never redirects to another site', async () => {
  const home = await fetch(url('/'))
  const statement = /<a href="(\/announcements\/[^"]+)">/.exec(await home.text())![1]!
  for (const address of ['/', statement, '/subscribe']) {
    const page = await fetch(url(address))
    expect(page.status, address).toBe(200)
    expect(page.headers.get('content-security-policy'), address).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; img-src 'self' http:\/\/127\.0\.0\.1:\d+; form-action 'self'; base-uri 'none'; frame-ancestors 'none'$/)
    expect(page.headers.get('referrer-policy'), address).toBe('strict-origin-when-cross-origin')
    common(page, address)
  }
  const feed = await fetch(url('/feed.xml'))
  expect(feed.status).toBe(200)
  common(feed, '/feed.xml')
  const api = await fetch(url('/api/announcements'))
  expect(api.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'self'")
  common(api, '/api/announcements')
  const login = await fetch(url('/admin/login'))
  const adminPolicy = login.headers.get('content-security-policy') ?? ''
  expect(adminPolicy).toMatch(/^default-src 'self'; script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'; style-src 'self' 'unsafe-inline'; /)
  expect(adminPolicy).toContain("frame-ancestors 'self'")
  expect(login.headers.get('referrer-policy')).toBe('same-origin')
  common(login, '/admin/login')
  // Each admin page its own nonce, on the scripts Next.js rendered.
  const nonce = /'nonce-([^']+)'/.exec(adminPolicy)![1]!
  expect(await login.text()).toContain(`nonce="${nonce}"`)
  expect((await fetch(url('/admin/login'))).headers.get('content-security-policy')).not.toContain(nonce)
  const queues = await fetch(url('/admin/queues'), { headers: await adminHeaders() })
  expect(queues.headers.get('content-security-policy')).toMatch(/^default-src 'self'; script-src 'self'; /)

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    const violations: string[] = []
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(`${page.url()}: ${message.text()}`)
    })
    for (const address of ['/', statement, '/subscribe']) {
      await page.goto(url(address))
      expect(await page.locator('header.site').isVisible(), address).toBe(true)
    }
    // The admin's login page renders and works under its policy; a foreign address to return to
    // after signing in is not followed.
    await page.goto(url(`/admin/login?redirect=${encodeURIComponent('https://evil.example/')}`))
    const { email, password } = firstAdmin()
    await page.fill('input[name="email"]', email)
    await page.fill('input[name="password"]', password)
    await page.click('button[type="submit"]')
    await page.waitForURL((address) => !address.pathname.endsWith('/login'))
    expect(new URL(page.url()).origin).toBe(url(''))
    expect(new URL(page.url()).pathname).toBe('/admin')
    for (const target of ['//evil.example/', '/\\evil.example', 'https://evil.example/admin']) {
      await page.goto(url(`/admin/login?redirect=${encodeURIComponent(target)}`))
      await page.waitForURL((address) => !address.pathname.endsWith('/login'))
      expect(page.url(), target).toBe(url('/admin'))
    }
    // The editor (Lexical) loads its scripts under the nonce.
    await page.goto(url('/admin/collections/announcements/create'))
    await page.locator('.rich-text-lexical [contenteditable="true"]').first().waitFor()
    expect(violations).toEqual([])
    const [session] = (await page.context().cookies()).filter((cookie) => cookie.name === 'payload-token')
    // HttpOnly and SameSite=Lax; not Secure, since this machine serves plain http (Secure on https or in production elsewhere).
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false })
  } finally {
    await browser.close()
  }
}, 120_000)

it('sends the security headers on what Next.js answers itself (an unknown address, /_next files, its own 404 page) and on the probes', async () => {
  // An address nothing answers: the site's own 404 page, under the pages' policy.
  const unknown = await fetch(url('/no/such/address'))
  expect(unknown.status).toBe(404)
  expect(await unknown.text()).toContain('<h1>Not found</h1>')
  expect(unknown.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; img-src 'self' http:\/\/127\.0\.0\.1:\d+; form-action 'self'; base-uri 'none'; frame-ancestors 'none'$/)
  expect(unknown.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin')
  common(unknown, 'an unknown address')

  // The admin's scripts and style sheets as Next.js serves them, one that is not there, Next.js's own
  // 404 page asked for by address, and the probes.
  const login = await (await fetch(url('/admin/login'))).text()
  const files = [...new Set(login.match(/\/_next\/static\/[^"'\s)]+\.(?:js|css)/g))]
  const script = files.find((file) => file.endsWith('.js'))
  const style = files.find((file) => file.endsWith('.css'))
  expect(script, 'a script in the admin login page').toBeDefined()
  expect(style, 'a style sheet in the admin login page').toBeDefined()
  const noPages: [string, number][] = [[script!, 200], [style!, 200], ['/_next/static/chunks/no-such-file.js', 404], ['/404', 404], ['/_not-found', 404], ['/healthz', 200], ['/readyz', 200], ['/metrics', 404]]
  for (const [address, status] of noPages) {
    const response = await fetch(url(address))
    expect(response.status, address).toBe(status)
    expect(response.headers.get('content-security-policy'), address).toBe("default-src 'none'; frame-ancestors 'none'")
    expect(response.headers.get('referrer-policy'), address).toBe('no-referrer')
    common(response, address)
  }
})

it('logs a refused request as one line at info or warn, with the request and no stack trace (the build keeps the error names Payload reads)', async () => {
  const from = output.length
  expect((await fetch(url('/api/subscribers'))).status).toBe(403)
  expect((await fetch(url('/api/announcements'), { method: 'POST', headers: await adminHeaders(), body: JSON.stringify({ title: '', urgency: 'standard' }) })).status).toBe(400)
  await until(async () => output.slice(from).includes('Refused POST /api/announcements (400)'), 30, 'the refusal in the log')
  const logged = output.slice(from)
  const lines = logged.split('\n').flatMap((line) => {
    try {
      return [JSON.parse(line) as { service?: string; level: number; method?: string; path?: string; status?: number; msg: string }]
    } catch {
      return []
    }
  })
  const app = lines.filter((line) => line.service === 'app')
  expect(app.filter((line) => line.path === '/api/subscribers')).toEqual([expect.objectContaining({ level: 30, method: 'GET', status: 403, msg: 'Refused GET /api/subscribers (403): You are not allowed to perform this action.' })])
  expect(app.filter((line) => line.path === '/api/announcements')).toEqual([expect.objectContaining({ level: 40, method: 'POST', status: 400, msg: 'Refused POST /api/announcements (400): The following fields are invalid: Title, Summary, Body' })])
  expect(app.filter((line) => line.level >= 50), logged).toEqual([])
  expect(logged).not.toContain('"stack"')
})

it('lets a reader subscribe on the site, confirm from the email with one button, change topics and leave with one click, in a browser', async () => {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
  const inbox = `http://127.0.0.1:${ports.mail}/inbox`
  /** Opens the newest message to `to` with `subject` in the local mail sink's inbox. */
  const openMail = async (page: Page, to: string, subject: RegExp) => {
    await until(async () => {
      await page.goto(inbox)
      return (await page.locator('tr', { hasText: to }).filter({ hasText: subject }).count()) > 0
    }, 60, `an email to ${to}`)
    await page.locator('tr', { hasText: to }).filter({ hasText: subject }).first().getByRole('link').click()
  }
  try {
    const page = await browser.newPage({ bypassCSP: true })
    await page.goto(url('/subscribe'))
    await page.getByLabel('Email address').fill('journey@example.net')
    await page.getByRole('checkbox').first().check()
    await page.getByRole('button', { name: 'Sign up' }).click()
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Check your inbox')

    await openMail(page, 'journey@example.net', /Confirm your alerts/)
    await page.getByRole('link', { name: 'Confirm my alerts' }).click()
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Confirm your alerts')
    await expectAccessible(page, 'the page the confirmation link opens')
    await page.getByRole('button', { name: 'Confirm' }).click()
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('You are subscribed')
    await expectAccessible(page, 'the confirmation page')

    // An alert arrives; its preferences link lets them change what they get.
    expect((await publishStatement('Winter appeal opens')).status).toBe(201)
    await openMail(page, 'journey@example.net', /Winter appeal opens/)
    const unsubscribeHref = await page.getByRole('link', { name: 'Unsubscribe' }).getAttribute('href')
    await page.getByRole('link', { name: 'Change what you receive' }).click()
    await expectAccessible(page, 'the preferences page')
    await page.getByRole('checkbox', { name: /urgent/i }).check()
    await page.getByRole('button', { name: 'Save' }).click()
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Saved.')

    // Leaving: the email's link, one button.
    await page.goto(unsubscribeHref!)
    await expectAccessible(page, 'the unsubscribe page')
    await page.getByRole('button', { name: 'Unsubscribe' }).click()
    await expect.poll(() => page.locator('body').textContent()).toContain('You are unsubscribed')
    // The pages for one person are in the site's look: its header, with the way back to the statements.
    expect(await page.locator('header.site a.name').textContent()).toBeTruthy()
    await expectAccessible(page, 'the unsubscribed page')
    const { docs } = (await (await fetch(url('/api/subscribers?where[email][equals]=journey@example.net&depth=0'), { headers: await adminHeaders() })).json()) as { docs: { status: string; urgentOnly: boolean }[] }
    expect(docs).toEqual([expect.objectContaining({ status: 'unsubscribed', urgentOnly: true })])
  } finally {
    await browser.close()
  }
}, 180_000)

it('lets staff write an urgent statement in the admin and publish it: within seconds its page, feed item, email and social post are out; and cancel a waiting post, in a browser', async () => {
  // Someone to alert, and a Mastodon account to post to (a fake Mastodon in this process, as an admin would add a real one).
  const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${ports.db}/postgres` })
  await client.connect()
  await client.query(`insert into subscribers (email, status, urgent_only, confirmed_at, updated_at, created_at) values ('staff-journey@example.net', 'confirmed', false, now(), now(), now())`)
  await client.end()
  const mastodon = await startFakeMastodon({ tokens: { 'e2e-mastodon-token-7d2f': 'northfield' } })
  const headers = await adminHeaders()
  const account = await fetch(url('/api/accounts'), {
    method: 'POST',
    headers,
    body: JSON.stringify({ network: 'mastodon', displayName: 'Northfield on Mastodon', baseUrl: mastodon.url, secret: 'e2e-mastodon-token-7d2f', schedule: { timeZone: 'Europe/London', slots: [] } }),
  })
  expect(account.status).toBe(201)

  const title = 'Referral system near breaking point, say food banks'
  const { email, password } = firstAdmin()
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } })
    await page.goto(url('/admin/login'))
    await page.fill('input[name="email"]', email)
    await page.fill('input[name="password"]', password)
    await page.click('button[type="submit"]')
    await page.waitForURL((address) => !address.pathname.endsWith('/login'))

    await page.goto(url('/admin/collections/announcements/create'))
    await page.locator('#field-title').fill(title)
    // Until the first publish the slug can be unlocked and edited.
    await expect.poll(() => page.locator('#field-slug-lock').count()).toBe(1)
    await page.locator('#field-summary').fill('Food banks in the network turned away families for the first time this winter.')
    await page.locator('.rich-text-lexical [contenteditable="true"]').first().click()
    await page.keyboard.type('The national referral system is near breaking point. Here is what we are asking for.')
    await page.locator('#field-urgency').click()
    await page.getByText('Urgent: goes out at once, on every channel', { exact: true }).click()
    await page.getByRole('button', { name: 'Publish changes' }).click()
    const published = Date.now()
    await page.waitForURL((address) => /\/admin\/collections\/announcements\/\d+/.test(address.pathname))
    // Once published its address is out: the slug is read-only, with no Unlock, and says why.
    await expect.poll(() => page.getByText('Fixed since this item was first published').count()).toBe(1)
    expect(await page.locator('#field-slug').isDisabled()).toBe(true)
    expect(await page.locator('#field-slug-lock').count()).toBe(0)

    const { docs } = (await (await fetch(url(`/api/announcements?where[title][equals]=${encodeURIComponent(title)}&depth=0`), { headers })).json()) as { docs: { id: number; slug: string; _status: string; urgency: string }[] }
    expect(docs).toEqual([expect.objectContaining({ _status: 'published', urgency: 'urgent' })])
    const { slug } = docs[0]!
    const out: Record<string, number> = {}
    const seen = async (what: string, check: () => Promise<boolean>) => {
      await until(check, 30, what)
      out[what] = (Date.now() - published) / 1000
    }
    await Promise.all([
      seen('its page', async () => (await fetch(url(`/announcements/${slug}`))).status === 200),
      seen('its feed item', async () => (await (await fetch(url('/feed.xml'))).text()).includes(title)),
      seen('its email', async () => {
        const inbox = await (await fetch(`http://127.0.0.1:${ports.mail}/inbox`)).text()
        return inbox.split('<tr>').some((row) => row.includes('staff-journey@example.net') && row.includes(title))
      }),
      seen('its social post', async () => mastodon.statuses.some((status) => status.text.includes(title))),
    ])
    console.log(`staff journey, seconds from Publish: ${Object.entries(out).map(([what, seconds]) => `${what} ${seconds.toFixed(1)}`).join(', ')}`)
    for (const seconds of Object.values(out)) expect(seconds).toBeLessThan(15)

    // The post as staff review it: in the social posts list, posted, with the network's address.
    await page.goto(url('/admin/collections/social-posts'))
    const row = page.locator('tr', { hasText: title })
    await expect.poll(() => row.count()).toBe(1)
    await expect.poll(() => row.textContent()).toContain('posted')
    await expect.poll(() => row.textContent()).toContain('Northfield on Mastodon')
    fs.mkdirSync(ARTIFACTS, { recursive: true })
    await page.screenshot({ path: path.join(ARTIFACTS, 'social-posts.png'), fullPage: true })
    console.log(`screenshot: ${path.join(ARTIFACTS, 'social-posts.png')}`)

    // A standard statement waits for an account's next slot (about twelve hours ahead); staff open
    // its post in the admin and cancel it.
    const slot = `${String((new Date().getUTCHours() + 12) % 24).padStart(2, '0')}:00`
    const weekly = await fetch(url('/api/accounts'), {
      method: 'POST',
      headers,
      body: JSON.stringify({
        network: 'mastodon',
        displayName: 'Northfield weekly',
        baseUrl: mastodon.url,
        secret: 'e2e-mastodon-token-7d2f',
        urgencies: ['standard'],
        schedule: { timeZone: 'UTC', slots: ['1', '2', '3', '4', '5', '6', '7'].map((weekday) => ({ weekday, time: slot })) },
      }),
    })
    expect(weekly.status).toBe(201)
    const weeklyId = ((await weekly.json()) as { doc: { id: number } }).doc.id
    expect((await publishStatement('Winter appeal: collection points open', 'standard')).status).toBe(201)
    let postId = 0
    await until(async () => {
      const found = (await (await fetch(url(`/api/social-posts?where[account][equals]=${weeklyId}&where[state][equals]=scheduled&depth=0`), { headers })).json()) as { docs: { id: number }[] }
      postId = found.docs[0]?.id ?? 0
      return postId > 0
    }, 30, 'the scheduled post')
    await page.goto(url(`/admin/collections/social-posts/${postId}`))
    await expect.poll(() => page.locator('body').textContent()).toContain('Post: scheduled')
    await page.getByRole('button', { name: 'Cancel post' }).click()
    await expect.poll(() => page.getByText('Cancelled: this post will not go out.').count()).toBe(1)
    const cancelled = (await (await fetch(url(`/api/social-posts/${postId}?depth=0`), { headers })).json()) as { state: string; unitKey: string }
    expect(cancelled.state).toBe('cancelled')
    expect(mastodon.statuses.some((status) => status.idempotencyKey === cancelled.unitKey)).toBe(false)
  } finally {
    await browser.close()
    await mastodon.close()
  }
}, 180_000)

it('shows a 10,000-subscriber campaign going out on the delivery dashboard, in a browser (screenshot saved)', async () => {
  const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${ports.db}/postgres` })
  await client.connect()
  try {
    await client.query(`insert into subscribers (email, status, urgent_only, confirmed_at, updated_at, created_at)
      select 'watched-' || n || '@example.net', 'confirmed', false, now(), now(), now() from generate_series(1, 10000) as n`)
    await client.query('analyze subscribers')
  } finally {
    await client.end()
  }
  const { email, password } = firstAdmin()
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } })
    await page.goto(url('/admin/login'))
    await page.fill('input[name="email"]', email!)
    await page.fill('input[name="password"]', password!)
    await page.click('button[type="submit"]')
    await page.waitForURL((address) => !address.pathname.endsWith('/login'))

    const headers = await adminHeaders()
    expect((await publishStatement('Referral system near breaking point: what we are asking for')).status).toBe(201)

    // Reload until the campaign shows part-way: sent, but not to everyone yet.
    const progress = page.getByRole('progressbar', { name: /URGENT: Referral system near breaking point: what we are asking for/ })
    let caught = false
    for (let attempt = 0; attempt < 60 && !caught; attempt++) {
      await page.goto(url('/admin/deliveries'))
      const value = Number((await progress.count()) > 0 ? await progress.getAttribute('value') : 0)
      const max = Number((await progress.count()) > 0 ? await progress.getAttribute('max') : 0)
      caught = value > 0 && value < max
      if (!caught) await new Promise((resolve) => setTimeout(resolve, 250))
    }
    expect(caught, 'the dashboard showing the campaign part-way').toBe(true)
    fs.mkdirSync(ARTIFACTS, { recursive: true })
    await page.screenshot({ path: path.join(ARTIFACTS, 'delivery-dashboard.png'), fullPage: true })
    console.log(`screenshot: ${path.join(ARTIFACTS, 'delivery-dashboard.png')}`)
    // Let it finish: the next test stops a quiet system.
    await until(
      async () => {
        const open = await fetch(url('/api/deliveries?where[channel][equals]=email&where[state][not_equals]=sent&limit=1'), { headers })
        return ((await open.json()) as { totalDocs: number }).totalDocs === 0
      },
      60,
      'the campaign to finish',
    )
  } finally {
    await browser.close()
  }
}, 120_000)

it('stops the app, the worker, Redis and the database on Ctrl-C, the database last: nothing warns on the way out', async () => {
  await until(async () => output.includes('worker ready'), 60, 'the worker')
  const before = output.length
  // A terminal's Ctrl-C: SIGINT to the whole process group, npm and everything below it.
  process.kill(-launcher.pid!, 'SIGINT')
  const deadline = Date.now() + 30_000
  const stillAnswering = async () => (await Promise.all([ports.app, ports.db, ports.redis, ports.worker].map(answers))).some(Boolean)
  while ((await stillAnswering()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250))
  for (const [name, port] of Object.entries(ports)) expect(await answers(port), `${name} (port ${port}) still answering after Ctrl-C:\n${output.slice(-3000)}`).toBe(false)
  // Log lines at warn (40) or above from the app and the worker, such as a lost database connection.
  const warnings = output.slice(before).split('\n').filter((line) => /"level":(40|50|60)/.test(line))
  expect(warnings, output.slice(before)).toEqual([])
})
