/**
 * Hostile input: thousands of generated requests (fast-check) to every public endpoint — sign-up,
 * confirmation, preferences, unsubscribe, the SendGrid webhook, feeds, pages, REST filters, GraphQL.
 * Every answer is a 4xx or better with no stack trace and no internal error's words; nothing hostile
 * is stored; a body over an endpoint's limit gets a 413 without being read to its end.
 */
import { generateKeyPairSync, sign } from 'node:crypto'

import fc from 'fast-check'
import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { Topic } from '@/payload-types'

import { startMailSink, type MailSink } from '../../dev/mail-sink/sendgrid-sink'
import { createItem } from '../helpers/content'
import {
  clearlyInvalidAddress,
  contentType,
  formEncode,
  garbageBody,
  headerValue,
  hostileAddress,
  hostileJsonValue,
  hostileQuery,
  hostileText,
  longText,
  pathEncode,
  smuggledJson,
  typedAddress,
  validAddress,
} from '../helpers/hostile-input'
import { startTestPayload, type TestPayload } from '../helpers/payload'

const SITE = 'https://news.example.org'
const API_KEY = 'SG.hostile-input'
// SendGrid signs its event batches with ECDSA P-256; the test holds the private key.
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
const WEBHOOK_PUBLIC_KEY = publicKey.export({ type: 'spki', format: 'der' }).toString('base64')
const DRAFT_TITLE = 'Embargoed hostile-input draft'
const PRIVATE_EMAIL = 'private.reader@example.org'
const KNOWN_EVENTS = ['processed', 'deferred', 'delivered', 'open', 'click', 'bounce', 'dropped', 'spamreport', 'unsubscribe', 'group_unsubscribe']

// A stack frame, a source path, or the words of an error the code did not mean to show.
const STACK_TRACE = /^\s*at .*:\d+:\d+\)?$|\/node_modules\/|\.(?:ts|tsx|js|mjs|cjs):\d+/m
const INTERNAL_ERROR =
  /\b(?:TypeError|ReferenceError|RangeError|SyntaxError|Cannot read propert|is not a function|undefined is not|ECONNREFUSED|Failed query|syntax error at or near|violates \S+ constraint|duplicate key value|invalid input syntax|does not exist|PGlite|drizzle|Something went wrong|Internal Server Error)\b/i

type Handler = (request: Request, context: { params: Promise<Record<string, unknown>> }) => Promise<Response>
type Route = Partial<Record<'GET' | 'POST', Handler>>

let ctx: TestPayload
let payload: Payload
let sink: MailSink
let housing: Topic
let site: Record<string, Route>
let api: { GET: Handler; POST: Handler; GRAPHQL: (request: Request) => Promise<Response> }
let tokens: { preferences: string; unsubscribe: string; confirm: string }
let reader: { id: number }
let limits: { form: number; signUp: number; sendGrid: number; graphql: number; apiJson: number; apiForm: number }

beforeAll(async () => {
  sink = await startMailSink({ apiKey: API_KEY })
  ctx = await startTestPayload({ SENDGRID_API_KEY: API_KEY, SENDGRID_BASE_URL: sink.url, SENDGRID_WEBHOOK_PUBLIC_KEY: WEBHOOK_PUBLIC_KEY, PUBLIC_URL: SITE, LOG_LEVEL: 'error' })
  payload = ctx.payload
  await payload.updateGlobal({ slug: 'site', data: { organisationName: 'Northfield Food Network', senderEmail: 'alerts@example.org' } })
  housing = await payload.create({ collection: 'topics', data: { name: 'Housing' } })
  await createItem(payload, 'announcements', { status: 'published', title: 'Live statement' })
  await createItem(payload, 'reports', { status: 'published', title: 'Live report' })
  await createItem(payload, 'announcements', { title: DRAFT_TITLE })
  reader = await payload.create({ collection: 'subscribers', data: { email: PRIVATE_EMAIL, status: 'confirmed' } })
  const leaver = await payload.create({ collection: 'subscribers', data: { email: 'leaver@example.org', status: 'confirmed' } })
  const pending = await payload.create({ collection: 'subscribers', data: { email: 'pending@example.org', status: 'pending' } })

  const { subscriberToken } = await import('@/subscribers/tokens')
  const secret = process.env.PAYLOAD_SECRET!
  tokens = {
    preferences: subscriberToken(secret, 'preferences', reader.id),
    unsubscribe: subscriberToken(secret, 'unsubscribe', leaver.id),
    confirm: subscriberToken(secret, 'confirm', pending.id, new Date(Date.now() + 86_400_000)),
  }
  const [{ API_FORM_BODY_LIMIT, API_JSON_BODY_LIMIT, FORM_BODY_LIMIT, GRAPHQL_BODY_LIMIT, SENDGRID_EVENTS_BODY_LIMIT }, { MAX_SIGN_UP_BYTES }] = await Promise.all([import('@/lib/http/bounded-body'), import('@/subscribers/sign-up')])
  limits = { form: FORM_BODY_LIMIT, signUp: MAX_SIGN_UP_BYTES, sendGrid: SENDGRID_EVENTS_BODY_LIMIT, graphql: GRAPHQL_BODY_LIMIT, apiJson: API_JSON_BODY_LIMIT, apiForm: API_FORM_BODY_LIMIT }

  const routes = {
    home: import('@/app/(site)/route'),
    archive: import('@/app/(site)/archive/route'),
    announcement: import('@/app/(site)/announcements/[slug]/route'),
    report: import('@/app/(site)/reports/[slug]/route'),
    topic: import('@/app/(site)/topics/[slug]/route'),
    subscribe: import('@/app/(site)/subscribe/route'),
    preferences: import('@/app/(site)/preferences/route'),
    unsubscribe: import('@/app/(site)/unsubscribe/route'),
    'feed.xml': import('@/app/(site)/feed.xml/route'),
    'feed.atom': import('@/app/(site)/feed.atom/route'),
    'feed.json': import('@/app/(site)/feed.json/route'),
    'urgent/feed.xml': import('@/app/(site)/urgent/feed.xml/route'),
    'urgent/feed.atom': import('@/app/(site)/urgent/feed.atom/route'),
    'urgent/feed.json': import('@/app/(site)/urgent/feed.json/route'),
    'topics/feed.xml': import('@/app/(site)/topics/[slug]/feed.xml/route'),
    'topics/feed.atom': import('@/app/(site)/topics/[slug]/feed.atom/route'),
    'topics/feed.json': import('@/app/(site)/topics/[slug]/feed.json/route'),
  }
  site = Object.fromEntries(await Promise.all(Object.entries(routes).map(async ([name, module]) => [name, (await module) as unknown as Route])))
  // The app's own /api routes, as Next.js mounts them (src/app/(payload)/api).
  const [rest, graphql] = await Promise.all([import('@/app/(payload)/api/[...slug]/route'), import('@/app/(payload)/api/graphql/route')])
  api = { GET: rest.GET as unknown as Handler, POST: rest.POST as unknown as Handler, GRAPHQL: graphql.POST }
})
afterAll(async () => {
  await ctx?.stop()
  await sink?.close()
})

/** What every request added up to, printed at the end. */
const tally = { requests: 0, endpoints: new Set<string>(), statuses: {} as Record<number, number>, serverErrors: 0, stackTraces: 0, junkRows: 0, signUps: 0, rssGrowthMb: 0 }

type Answer = { status: number; text: string; headers: Headers }

/**
 * Sends one request and checks what every answer must be: below 500, no stack trace or source path,
 * no internal error's words, and (HTML) none of the markup the request carried.
 */
async function send(endpoint: string, call: () => Promise<Response>): Promise<Answer> {
  tally.requests++
  tally.endpoints.add(endpoint)
  let response: Response
  try {
    response = await call()
  } catch (error) {
    tally.serverErrors++
    tally.statuses[500] = (tally.statuses[500] ?? 0) + 1
    throw new Error(`${endpoint} threw, which Next.js answers with a 500: ${error instanceof Error ? error.stack : String(error)}`)
  }
  const text = await response.text()
  tally.statuses[response.status] = (tally.statuses[response.status] ?? 0) + 1
  if (response.status >= 500) tally.serverErrors++
  if (STACK_TRACE.test(text)) tally.stackTraces++
  expect(response.status, `${endpoint} answered ${response.status}: ${text.slice(0, 400)}`).toBeLessThan(500)
  expect(text, endpoint).not.toMatch(STACK_TRACE)
  expect(text, endpoint).not.toMatch(INTERNAL_ERROR)
  if ((response.headers.get('content-type') ?? '').startsWith('text/html')) {
    expect(text, endpoint).not.toMatch(/<script|<img src=x/i)
  }
  return { status: response.status, text, headers: response.headers }
}

let ip = 0
/** A fresh client address per request, so the per-IP limit never hides what validation would say. */
const nextIp = () => `198.18.${(++ip >> 8) & 255}.${ip & 255}`

type Body = string | Uint8Array | ReadableStream<Uint8Array>
/** A Request as Next.js hands it to a route; a string body without a content type goes as bytes, so none is added. */
function request(method: 'GET' | 'POST', path: string, init: { body?: Body; headers?: Record<string, string | undefined> } = {}): Request {
  const headers = new Headers({ 'x-forwarded-for': nextIp() })
  for (const [name, value] of Object.entries(init.headers ?? {})) if (value !== undefined) headers.set(name, value)
  const body = typeof init.body === 'string' && !headers.has('content-type') ? new TextEncoder().encode(init.body) : init.body
  return new Request(new URL(path, SITE), { method, headers, body, duplex: 'half' } as RequestInit)
}

const decodeSegment = (segment: string) => {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}
/** A request to Payload's /api route handlers, with the path segments Next.js would pass. */
const restCall = (method: 'GET' | 'POST', path: string, init: Parameters<typeof request>[2] = {}) => () => {
  const req = request(method, path, init)
  const slug = new URL(req.url).pathname.replace(/^\/api\//, '').split('/').map(decodeSegment)
  return api[method](req, { params: Promise.resolve({ slug }) })
}
/** A request to a site route; `slug`, for a [slug] route, is the raw text: the path carries it encoded, the route gets it decoded, as from Next.js. */
const siteCall = (route: string, method: 'GET' | 'POST', path: string, init: Parameters<typeof request>[2] = {}, slug?: string) => () =>
  site[route]![method]!(request(method, path.replace('[slug]', pathEncode(slug ?? '')), init), { params: Promise.resolve({ slug: slug === undefined ? undefined : decodeSegment(pathEncode(slug)) }) })

const subscriberRows = async () => (await payload.count({ collection: 'subscribers' })).totalDocs
const eventRows = async () => (await payload.count({ collection: 'email-events' })).totalDocs

/** Runs `run` and checks it left no new subscriber or email-event row. */
async function storesNothing(run: () => Promise<void>) {
  const before = { subscribers: await subscriberRows(), events: await eventRows() }
  await run()
  const added = (await subscriberRows()) - before.subscribers + ((await eventRows()) - before.events)
  tally.junkRows += added
  expect(added, 'rows stored by hostile input').toBe(0)
}

const form = (fields: [string, string][]) => fields.map(([name, value]) => `${formEncode(name)}=${formEncode(value)}`).join('&')

describe('signing up', () => {
  // Any mix of a hostile address, junk topics and junk flags, as a form, JSON, or neither.
  const hostileSignUp = fc.oneof(
    fc.record({ email: hostileAddress, topics: fc.array(hostileText, { maxLength: 4 }), urgentOnly: hostileText, duplicate: fc.boolean() }).map(({ email, topics, urgentOnly, duplicate }) => ({
      type: 'application/x-www-form-urlencoded' as string | undefined,
      body: form([['email', email], ...(duplicate ? ([['email', 'second@example.org']] as [string, string][]) : []), ...topics.map((topic): [string, string] => ['topics', topic]), ['urgentOnly', urgentOnly]]) as string | Uint8Array,
      email,
    })),
    fc
      .record({ email: fc.oneof(hostileAddress, hostileJsonValue.filter((value) => typeof value !== 'string' || clearlyInvalidAddress(value))), topics: hostileJsonValue, urgentOnly: hostileJsonValue, smuggled: smuggledJson })
      .map(({ email, topics, urgentOnly, smuggled }) => ({
        type: 'application/json' as string | undefined,
        body: `{${[smuggled, `"email":${JSON.stringify(email) ?? 'null'}`, `"topics":${JSON.stringify(topics) ?? 'null'}`, `"urgentOnly":${JSON.stringify(urgentOnly) ?? 'null'}`].filter(Boolean).join(',')}}` as string | Uint8Array,
        email,
      })),
    fc.record({ type: contentType, body: garbageBody }).map(({ type, body }) => ({ type, body, email: undefined as unknown })),
  )

  const overlong = `${'a'.repeat(245)}0@a.example.org`

  it('the site form refuses every hostile address with the form again, and stores nothing', { timeout: 120_000 }, async () => {
    await storesNothing(() =>
      fc.assert(
        fc.asyncProperty(hostileSignUp, async ({ type, body, email }) => {
          if (typeof email === 'string') expect(clearlyInvalidAddress(email), 'the generator makes only invalid addresses').toBe(true)
          const { status, text } = await send('POST /subscribe', siteCall('subscribe', 'POST', '/subscribe', { body, headers: { 'content-type': type } }))
          expect([400, 413], text.slice(0, 300)).toContain(status)
          if (status === 400) expect(text).toContain('<form method="post" action="/subscribe"')
        }),
        // Found: the form cut the address to 254 characters before checking it, and this one became a valid, different address.
        { numRuns: 500, examples: [[{ type: 'application/x-www-form-urlencoded', body: form([['email', overlong]]), email: overlong }]] },
      ),
    )
  })

  it('the API refuses every hostile sign-up with 400, 413 or 415 and a sentence, and stores nothing', { timeout: 120_000 }, async () => {
    await storesNothing(() =>
      fc.assert(
        fc.asyncProperty(hostileSignUp, contentType, fc.boolean(), async ({ type, body, email }, otherType, swapType) => {
          const { status, text } = await send('POST /api/subscribers/subscribe', restCall('POST', '/api/subscribers/subscribe', { body, headers: { 'content-type': swapType ? otherType : type } }))
          expect([400, 413, 415], text.slice(0, 300)).toContain(status)
          expect(JSON.parse(text).message).toMatch(/^[A-Z].{10,}/)
          if (typeof email === 'string') expect(clearlyInvalidAddress(email)).toBe(true)
        }),
        { numRuns: 700 },
      ),
    )
  })

  it('takes a valid address whatever comes with it, and stores only what a sign-up may set', { timeout: 120_000 }, async () => {
    let n = 0
    await fc.assert(
      fc.asyncProperty(
        validAddress,
        fc.oneof(fc.constant([] as string[]), fc.constant(['housing']), fc.array(hostileText, { minLength: 1, maxLength: 3 })),
        fc.option(fc.oneof(fc.boolean(), hostileJsonValue), { nil: undefined }),
        smuggledJson,
        fc.constantFrom('site form', 'api json', 'api form'),
        async (parts, topics, urgentOnly, smuggled, via) => {
          const { typed, stored } = typedAddress(parts, ++n)
          const before = await subscriberRows()
          let call
          if (via === 'api json') {
            const body = `{${[smuggled, `"email":${JSON.stringify(typed)}`, `"topics":${JSON.stringify(topics)}`, urgentOnly === undefined ? '' : `"urgentOnly":${JSON.stringify(urgentOnly)}`].filter(Boolean).join(',')}}`
            call = restCall('POST', '/api/subscribers/subscribe', { body, headers: { 'content-type': 'application/json' } })
          } else {
            const fields: [string, string][] = [['email', typed], ...topics.map((topic): [string, string] => ['topics', topic]), ['urgentOnly', String(urgentOnly)], ['status', 'confirmed'], ['consent[givenAt]', '2020-01-01']]
            const init = { body: form(fields), headers: { 'content-type': 'application/x-www-form-urlencoded' } }
            call = via === 'site form' ? siteCall('subscribe', 'POST', '/subscribe', init) : restCall('POST', '/api/subscribers/subscribe', init)
          }
          const { status, text } = await send(via === 'site form' ? 'POST /subscribe' : 'POST /api/subscribers/subscribe', call)
          // The JSON API takes urgentOnly as a boolean only; any topic must exist.
          const valid = topics.every((topic) => topic === 'housing') && (via !== 'api json' || urgentOnly === undefined || typeof urgentOnly === 'boolean')
          expect(status, text.slice(0, 300)).toBe(valid ? 202 : 400)
          const rows = await payload.find({ collection: 'subscribers', where: { email: { equals: stored } }, depth: 0 })
          expect(rows.totalDocs).toBe(valid ? 1 : 0)
          expect((await subscriberRows()) - before).toBe(valid ? 1 : 0)
          if (valid) {
            tally.signUps++
            expect(rows.docs[0]).toMatchObject({ email: stored, status: 'pending', confirmedAt: null, consent: { source: 'site-form', givenAt: null } })
          }
        },
      ),
      // Found: a topic with a NUL character failed the whole query (PostgreSQL text cannot hold one), a 500.
      { numRuns: 150, examples: [[{ local: 'nul', domain: 'a', shout: false, space: '' }, ['\u0000'], undefined, '', 'api json'], [{ local: 'nul', domain: 'b', shout: false, space: '' }, ['\u0000'], undefined, '', 'site form']] },
    )
  })
})

describe('signed links', () => {
  const forgedToken = fc.oneof(
    hostileText,
    fc.tuple(fc.stringMatching(/^[A-Za-z0-9]{1,64}$/), fc.stringMatching(/^\d{1,12}$/), fc.stringMatching(/^[A-Za-z0-9_-]{43}$/)).map((parts) => parts.join('.')),
    fc.constant(`1.0.${'A'.repeat(43)}`),
  )
  const tokenQuery = fc.oneof(
    forgedToken.map((token) => `token=${formEncode(token)}`),
    hostileQuery(['token', 'token[]', 'token[$gt]', 'token[0]']),
  )

  it('refuses forged, altered and junk tokens on every link with 400, changing nothing', { timeout: 120_000 }, async () => {
    await storesNothing(() =>
      fc.assert(
        fc.asyncProperty(tokenQuery, fc.constantFrom('confirm', 'preferences', 'unsubscribe'), fc.constantFrom('GET' as const, 'POST' as const), garbageBody, async (query, link, method, body) => {
          const answer =
            link === 'confirm'
              ? await send(`${method} /api/subscribers/confirm`, restCall(method, `/api/subscribers/confirm?${query}`, { body: method === 'POST' ? body : undefined }))
              : await send(`${method} /${link}`, siteCall(link, method, `/${link}?${query}`, { body: method === 'POST' ? body : undefined }))
          expect(answer.status).toBe(400)
          expect(answer.text).toContain('This link does not work')
        }),
        { numRuns: 500 },
      ),
    )
    const statuses = await payload.find({ collection: 'subscribers', where: { email: { in: [PRIVATE_EMAIL, 'leaver@example.org', 'pending@example.org'] } }, depth: 0, sort: 'email' })
    expect(statuses.docs.map((subscriber) => subscriber.status)).toEqual(['confirmed', 'pending', 'confirmed'])
  })

  it('confirms with a valid link whatever else the query and the body hold', { timeout: 120_000 }, async () => {
    await storesNothing(() =>
      fc.assert(
        fc.asyncProperty(hostileQuery(['token', 'token[]', 'status', 'email']), garbageBody, async (query, body) => {
          const { status, text } = await send('POST /api/subscribers/confirm', restCall('POST', `/api/subscribers/confirm?token=${tokens.confirm}&${query}`, { body }))
          expect(status).toBe(200)
          expect(text).toContain('You are subscribed')
        }),
        { numRuns: 100 },
      ),
    )
    expect((await payload.find({ collection: 'subscribers', where: { email: { equals: 'pending@example.org' } }, depth: 0 })).docs[0]?.status).toBe('confirmed')
  })

  it('saves preferences from any form body with a valid link, keeping only topics that exist', { timeout: 120_000 }, async () => {
    await storesNothing(() =>
      fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.record({ topics: fc.array(fc.oneof(hostileText, fc.constant('housing')), { maxLength: 120 }), urgentOnly: hostileText, extra: longText }).map(({ topics, urgentOnly, extra }) =>
              form([...topics.map((topic): [string, string] => ['topics', topic]), ['urgentOnly', urgentOnly], ['note', extra]]),
            ),
            garbageBody,
          ),
          contentType,
          async (body, type) => {
            const size = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength
            const { status, text } = await send('POST /preferences', siteCall('preferences', 'POST', `/preferences?token=${tokens.preferences}`, { body, headers: { 'content-type': type } }))
            expect(status, text.slice(0, 200)).toBe(size > limits.form ? 413 : 200)
            const saved = await payload.findByID({ collection: 'subscribers', id: reader.id, depth: 0 })
            expect(saved.status).toBe('confirmed')
            expect((saved.topics ?? []).every((topic) => topic === housing.id)).toBe(true)
          },
        ),
        // Found: a NUL character in a topic failed the query, a 500.
        { numRuns: 300, examples: [['topics=%00&topics=housing', 'application/x-www-form-urlencoded']] },
      ),
    )
  })

  it('unsubscribes with one click whatever the body, and refuses one over the limit', { timeout: 120_000 }, async () => {
    await storesNothing(() =>
      fc.assert(
        fc.asyncProperty(fc.oneof(garbageBody, longText, fc.constant('List-Unsubscribe=One-Click')), contentType, fc.boolean(), async (body, type, show) => {
          if (show) {
            const page = await send('GET /unsubscribe', siteCall('unsubscribe', 'GET', `/unsubscribe?token=${tokens.unsubscribe}`))
            expect(page.status).toBe(200)
            return
          }
          const size = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength
          const { status, text } = await send('POST /unsubscribe', siteCall('unsubscribe', 'POST', `/unsubscribe?token=${tokens.unsubscribe}`, { body, headers: { 'content-type': type } }))
          expect(status, text.slice(0, 200)).toBe(size > limits.form ? 413 : 200)
        }),
        { numRuns: 300 },
      ),
    )
    expect((await payload.find({ collection: 'subscribers', where: { email: { equals: 'leaver@example.org' } }, depth: 0 })).docs[0]?.status).toBe('unsubscribed')
  })
})

describe('the SendGrid event webhook', () => {
  const signed = (body: string, timestamp = String(Math.floor(Date.now() / 1000))) => ({
    'content-type': 'application/json',
    'x-twilio-email-event-webhook-timestamp': timestamp,
    'x-twilio-email-event-webhook-signature': sign('sha256', Buffer.from(timestamp + body), privateKey).toString('base64'),
  })
  const post = (body: string | Uint8Array, headers: Record<string, string | undefined>) =>
    send('POST /api/email-events/sendgrid', restCall('POST', '/api/email-events/sendgrid', { body, headers }))

  it('refuses unsigned, wrongly signed and stale batches with 401, storing nothing', { timeout: 120_000 }, async () => {
    await storesNothing(() =>
      fc.assert(
        fc.asyncProperty(
          fc.oneof(garbageBody, fc.constant('[{"event":"bounce","email":"private.reader@example.org"}]')),
          fc.record({ signature: fc.option(headerValue, { nil: undefined }), timestamp: fc.option(fc.oneof(headerValue, fc.constantFrom('0', '1', String(Math.floor(Date.now() / 1000) - 3600), '9'.repeat(12))), { nil: undefined }) }),
          async (body, { signature, timestamp }) => {
            const { status } = await post(body, { 'content-type': 'application/json', 'x-twilio-email-event-webhook-signature': signature, 'x-twilio-email-event-webhook-timestamp': timestamp })
            expect(status).toBe(401)
          },
        ),
        { numRuns: 250 },
      ),
    )
    expect((await payload.findByID({ collection: 'subscribers', id: reader.id, depth: 0 })).status).toBe('confirmed')
  })

  it('answers a signed batch that holds no known event with 400 or 200, storing nothing', { timeout: 120_000 }, async () => {
    const unknownEvent = fc.dictionary(fc.oneof(fc.constantFrom('event', 'email', 'subscriber', 'sg_event_id', 'timestamp'), hostileText), hostileJsonValue).filter((event) => !KNOWN_EVENTS.includes(event.event as string))
    await storesNothing(() =>
      fc.assert(
        // Text only: SendGrid signs its JSON as text, and a body that is not UTF-8 fails the signature (tested above).
        fc.asyncProperty(fc.oneof(garbageBody.map(String), fc.array(fc.oneof(unknownEvent, hostileJsonValue), { maxLength: 8 }).map((events) => JSON.stringify(events))), async (body) => {
          const { status, text } = await post(body, signed(body))
          expect([200, 400], text).toContain(status)
          if (status === 200) expect(JSON.parse(text)).toMatchObject({ stored: 0, repeat: 0 })
        }),
        { numRuns: 250 },
      ),
    )
  })

  it('keeps each signed event of a known type once, whatever junk its other fields hold', { timeout: 120_000 }, async () => {
    let n = 0
    // Numeric ids only past any row here: an event may legitimately suppress the subscriber it names.
    const junk = fc.oneof(
      hostileJsonValue.filter((value) => !/^\d{1,9}$/.test(typeof value === 'number' || typeof value === 'string' ? String(value) : '')),
      fc.stringMatching(/^[1-9]\d{9,30}$/),
    )
    const event = fc.record(
      { event: fc.constantFrom(...KNOWN_EVENTS), email: junk, timestamp: junk, reason: junk, subscriber: junk, campaign: junk, sgEventId: fc.oneof(fc.constantFrom('unique', 'long', 'nul'), junk.filter((value) => typeof value !== 'string')) },
      { requiredKeys: ['event', 'sgEventId'] },
    )
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 5 }), async (events) => {
        // Each event unique (its own id, or content that hashes apart), so none is a repeat of another.
        const ids: Record<string, () => string> = { unique: () => `hostile-${++n}`, long: () => `hostile-${++n}-${'x'.repeat(3000)}`, nul: () => `hostile-${++n}\u0000` }
        const batch = events.map(({ sgEventId, ...item }) => ({ ...item, sg_event_id: typeof sgEventId === 'string' ? ids[sgEventId]!() : sgEventId, sg_message_id: `hostile-message-${++n}` }))
        const body = JSON.stringify(batch)
        const before = await eventRows()
        const { status, text } = await post(body, signed(body))
        expect(status, text).toBe(200)
        expect(JSON.parse(text)).toEqual({ stored: batch.length, repeat: 0, ignored: 0 })
        expect((await eventRows()) - before).toBe(batch.length)
      }),
      {
        numRuns: 200,
        // Found, each a 500 that SendGrid would have retried for a day: a reason that is not text, an address
        // that is not text, a timestamp past the end of time, a 24-digit campaign id read as an ObjectId on
        // PostgreSQL, an sg_event_id too long for the unique index or holding a NUL character.
        examples: [
          [[{ event: 'processed', reason: {}, sgEventId: 'unique' }]],
          [[{ event: 'bounce', email: 42, timestamp: 1e308, sgEventId: 'unique' }]],
          [[{ event: 'processed', campaign: '100000000000000000000000', sgEventId: [] }, { event: 'processed', sgEventId: null }]],
          [[{ event: 'open', sgEventId: 'long' }, { event: 'click', reason: 'a\u0000b', sgEventId: 'nul' }]],
        ],
      },
    )
    expect((await payload.findByID({ collection: 'subscribers', id: reader.id, depth: 0 })).status).toBe('confirmed')
  })
})

describe('reading', () => {
  const slug = fc.oneof(fc.constantFrom('housing', 'live-statement', 'live-report', '', '.', '..', '%', '%00', 'a/b', 'embargoed-hostile-input-draft'), hostileText, longText)
  const siteQuery = hostileQuery(['page', 'page[]', 'token', 'format', 'utm_source'])

  it('serves every feed, or a 404, for any slug, query and conditional headers', { timeout: 120_000 }, async () => {
    const feeds = ['feed.xml', 'feed.atom', 'feed.json', 'urgent/feed.xml', 'urgent/feed.atom', 'urgent/feed.json', 'topics/feed.xml', 'topics/feed.atom', 'topics/feed.json']
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...feeds), slug, siteQuery, fc.option(headerValue, { nil: undefined }), fc.option(headerValue, { nil: undefined }), async (feed, topic, query, ifNoneMatch, ifModifiedSince) => {
        const path = feed.startsWith('topics/') ? `/topics/[slug]/${feed.slice(7)}` : `/${feed}`
        const { status } = await send(`GET /${feed}`, siteCall(feed, 'GET', `${path}?${query}`, { headers: { 'if-none-match': ifNoneMatch, 'if-modified-since': ifModifiedSince } }, topic))
        expect([200, 304, 404]).toContain(status)
      }),
      // Found: a topic slug with a NUL character failed the query, and the feed answered 503.
      { numRuns: 500, examples: [['topics/feed.atom', '\u0000', '', undefined, undefined]] },
    )
  })

  it('serves every page, or a 404, for any slug and query, and never a draft', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('home', 'archive', 'announcement', 'report', 'topic', 'subscribe'), slug, siteQuery, async (page, name, query) => {
        const path = { home: '/', archive: '/archive', subscribe: '/subscribe', announcement: '/announcements/', report: '/reports/', topic: '/topics/' }[page]
        const withSlug = path.endsWith('/') && page !== 'home'
        const { status, text } = await send(`GET ${path}${withSlug ? '[slug]' : ''}`, siteCall(page, 'GET', `${path}${withSlug ? '[slug]' : ''}?${query}`, {}, name))
        expect([200, 304, 404]).toContain(status)
        expect(text).not.toContain(DRAFT_TITLE)
      }),
      // Found: a slug with a NUL character failed the query, a 500.
      { numRuns: 500, examples: [['topic', '\u0000', ''], ['announcement', 'a\u0000', ''], ['report', '\u0000', 'page=2']] },
    )
  })

  // Payload's REST query language, with what a prober would try in each part.
  const field = fc.oneof(fc.constantFrom('title', 'slug', '_status', 'email', 'password', 'hash', 'salt', 'topics', 'topics.name', 'createdBy.email', 'id', 'publishedAt', 'body', '__proto__', 'constructor'), hostileText)
  const operator = fc.oneof(fc.constantFrom('equals', 'not_equals', 'like', 'contains', 'in', 'not_in', 'exists', 'greater_than', 'near', 'within', 'intersects', 'all', '$gt', '$ne', '$where'), hostileText)
  const number = fc.oneof(fc.constantFrom('-1', '0', '1e9', '1e309', 'NaN', '99999999999999999999', '0x10', '[]'), hostileText)
  const clause = fc.oneof(
    fc.tuple(fc.constantFrom('where', 'where[or][0]', 'where[and][1]', 'where[or][0][and][0]'), field, operator, fc.oneof(hostileText, number)).map(([prefix, name, op, value]) => `${prefix}[${formEncode(name)}][${formEncode(op)}]=${formEncode(value)}`),
    fc.tuple(fc.constantFrom('depth', 'limit', 'page', 'sort', 'draft', 'locale', 'fallback-locale', 'pagination', 'trash', 'select[email]', 'populate[topics]', 'joins[x][limit]'), number).map(([key, value]) => `${key}=${formEncode(value)}`),
    hostileQuery(['where', 'where[email][exists]', 'depth', 'limit', 'sort']),
  )
  const restQuery = fc.array(clause, { minLength: 1, maxLength: 5 }).map((parts) => parts.join('&'))

  it('answers any REST filter on the public collections below 500, leaking no draft or address', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constantFrom('announcements', 'reports', 'topics', 'subscribers', 'email-events', 'users', 'documents'),
          fc.tuple(fc.constantFrom('announcements', 'reports', 'topics'), fc.oneof(number, hostileText)).map(([collection, id]) => `${collection}/${pathEncode(id)}`),
        ),
        restQuery,
        // A GET, or a POST standing in for one (X-HTTP-Method-Override) with the query as a form or as "JSON".
        fc.constantFrom('get', 'form', 'json'),
        async (path, query, how) => {
          const call =
            how === 'get'
              ? restCall('GET', `/api/${path}?${query}`)
              : restCall('POST', `/api/${path}`, { body: query, headers: { 'content-type': `application/${how === 'form' ? 'x-www-form-urlencoded' : 'json'}`, 'x-http-method-override': 'GET' } })
          const collection = path.split('/')[0]!
          const { status, text } = await send(`${how === 'get' ? 'GET' : 'POST (as GET)'} /api/${collection}${path.includes('/') ? '/[id]' : ''}`, call)
          // Staff-only collections: refused (403), or the query refused before (400); never read.
          if (['subscribers', 'email-events', 'users'].includes(collection)) expect([400, 403]).toContain(status)
          expect(text).not.toContain(DRAFT_TITLE)
          expect(text).not.toContain(PRIVATE_EMAIL)
        },
      ),
      {
        numRuns: 700,
        // Found, each a 500 from Payload: an id that is no number, or past PostgreSQL's integer; a NUL character;
        // `where` that is not JSON, or JSON with null for a condition; a geo operator on text; `like` on rich
        // text; two limits; a negative page; an overriding POST whose body is not JSON.
        examples: [
          ['announcements/%27%20OR%201%3D1%20--', 'depth=-1', 'get'],
          ['announcements/99999999999999999999', 'depth=0', 'get'],
          ['topics', 'where[slug][equals]=%00', 'get'],
          ['announcements', 'where=not-json', 'get'],
          ['announcements', 'where=%7B%22%24ne%22%3Anull%7D', 'get'],
          ['announcements', 'where[title][near]=1', 'get'],
          ['announcements', 'where[body][like]=-1', 'get'],
          ['announcements', 'limit=1&limit=2', 'get'],
          ['reports', 'page=-1', 'get'],
          ['announcements', 'where[title][equals]=x', 'json'],
        ],
      },
    )
  })

  const graphqlQuery = fc.oneof(
    hostileText,
    garbageBody.map(String),
    fc
      .tuple(field, fc.option(fc.tuple(operator, hostileText), { nil: undefined }))
      .map(([name, condition]) => {
        const where = `${name.replace(/\W/g, '_') || 'title'}: ${condition ? `{ ${condition[0].replace(/\W/g, '_') || 'equals'}: ${JSON.stringify(condition[1])} }` : 'null'}`
        return `{ Announcements(where: { ${where} }, limit: 5, draft: true) { docs { title _status } } }`
      }),
    fc.constantFrom(
      '{ Subscribers { docs { email } } }',
      '{ EmailEvents { docs { type } } }',
      '{ Users { docs { email } } }',
      'mutation { createSubscriber(data: { email: "graphql@example.org", status: confirmed }) { id } }',
      'mutation { updateSubscriber(id: 1, data: { status: unsubscribed }) { id } }',
      '{ __schema { types { name fields { name } } } }',
      `{ ${Array.from({ length: 500 }, (_, index) => `a${index}: Announcements { docs { title } }`).join(' ')} }`,
      `{ Announcements { docs { ${'topics { '.repeat(50)}name${' }'.repeat(50)} } } }`,
      `query ${'{'.repeat(3000)}`,
    ),
  )

  it('answers any GraphQL request below 500, leaking no draft or address and changing nothing', { timeout: 120_000 }, async () => {
    await storesNothing(() =>
      fc.assert(
        fc.asyncProperty(graphqlQuery, fc.option(hostileJsonValue, { nil: undefined }), fc.option(hostileJsonValue, { nil: undefined }), fc.constantFrom('json', 'raw', 'wrong type'), async (query, variables, operationName, shape) => {
          const body = shape === 'raw' ? query : JSON.stringify({ query, variables, operationName })
          const type = shape === 'wrong type' ? 'text/plain' : 'application/json'
          const { text } = await send('POST /api/graphql', () => api.GRAPHQL(request('POST', '/api/graphql', { body, headers: { 'content-type': type } })))
          expect(text).not.toContain(DRAFT_TITLE)
          expect(text).not.toContain(PRIVATE_EMAIL)
        }),
        // Found: a body that is not JSON made Payload's GraphQL route throw, a 500; null for a condition, or an
        // operator the field has none of, failed the query and named the internal error.
        {
          numRuns: 500,
          examples: [
            ['{ Subscribers { docs { email } } }', undefined, undefined, 'raw'],
            ['{ Announcements(where: { title: null }) { docs { title } } }', undefined, undefined, 'json'],
            ['{ Announcements(where: { title: { all: "" } }) { docs { title } } }', undefined, undefined, 'json'],
          ],
        },
      ),
    )
    expect((await payload.findByID({ collection: 'subscribers', id: reader.id, depth: 0 })).status).toBe('confirmed')
  })
})

describe('bodies over the limit', () => {
  const CHUNK = 64 * 1024
  /** A body of `size` bytes made as it is read, counting what the handler pulled. */
  function trickle(size: number, fill: string) {
    const chunk = new TextEncoder().encode(fill.repeat(Math.ceil(CHUNK / fill.length)).slice(0, CHUNK))
    const pulled = { bytes: 0 }
    const stream = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          if (pulled.bytes >= size) return controller.close()
          pulled.bytes += chunk.byteLength
          controller.enqueue(chunk)
        },
      },
      { highWaterMark: 0 },
    )
    return { stream, pulled }
  }

  const endpoints = () =>
    [
      ['POST /subscribe', limits.signUp, (body: Body, headers: Record<string, string>) => siteCall('subscribe', 'POST', '/subscribe', { body, headers })],
      ['POST /api/subscribers/subscribe', limits.signUp, (body: Body, headers: Record<string, string>) => restCall('POST', '/api/subscribers/subscribe', { body, headers: { 'content-type': 'application/json', ...headers } })],
      ['POST /preferences', limits.form, (body: Body, headers: Record<string, string>) => siteCall('preferences', 'POST', `/preferences?token=${tokens.preferences}`, { body, headers })],
      ['POST /unsubscribe', limits.form, (body: Body, headers: Record<string, string>) => siteCall('unsubscribe', 'POST', `/unsubscribe?token=${tokens.unsubscribe}`, { body, headers })],
      ['POST /api/email-events/sendgrid', limits.sendGrid, (body: Body, headers: Record<string, string>) => restCall('POST', '/api/email-events/sendgrid', { body, headers: { 'content-type': 'application/json', ...headers } })],
      ['POST /api/graphql', limits.graphql, (body: Body, headers: Record<string, string>) => () => api.GRAPHQL(request('POST', '/api/graphql', { body, headers: { 'content-type': 'application/json', ...headers } }))],
    ] as const

  it('refuses 5–20 MB with 413 on every public endpoint, reading at most one chunk past its limit, with bounded memory', { timeout: 180_000 }, async () => {
    const rssBefore = process.memoryUsage().rss
    await storesNothing(async () => {
      for (const [endpoint, limit, call] of endpoints()) {
        // Sent in chunks with no length (nothing to go by but the bytes), and with its Content-Length.
        for (const declared of [false, true]) {
          await fc.assert(
            fc.asyncProperty(fc.integer({ min: 5 * 1024 * 1024, max: 20 * 1024 * 1024 }), fc.constantFrom('email=a%40example.org&topics=', '[{"event":"bounce"},', 'a'), async (size, fill) => {
              const { stream, pulled } = trickle(size, fill)
              const { status, text } = await send(endpoint, call(stream, declared ? { 'content-length': String(size) } : {}))
              expect(status, text.slice(0, 200)).toBe(413)
              expect(text).toMatch(/too (large|much)/i)
              expect(pulled.bytes).toBeLessThanOrEqual(declared ? 0 : limit + CHUNK)
            }),
            { numRuns: 2 },
          )
        }
        // And as one string, as a client that buffers its body sends it.
        const { status } = await send(endpoint, call('x'.repeat(5 * 1024 * 1024), {}))
        expect(status).toBe(413)
      }
    })
    tally.rssGrowthMb = Math.round((process.memoryUsage().rss - rssBefore) / 1024 / 1024)
    expect(tally.rssGrowthMb).toBeLessThan(300)
  })

  it("refuses Payload's REST writes whose declared size is over their limit, JSON or a form with a file, before reading them", async () => {
    const count = async () => (await payload.count({ collection: 'announcements' })).totalDocs
    const before = await count()
    for (const [contentType, limit] of [
      ['application/json', limits.apiJson],
      ['multipart/form-data; boundary=----hostile', limits.apiForm],
    ] as const) {
      const { stream, pulled } = trickle(limit + CHUNK, '{"title":"')
      const { status, text } = await send('POST /api/announcements', restCall('POST', '/api/announcements', { body: stream, headers: { 'content-type': contentType, 'content-length': String(limit + 1) } }))
      expect(status, text).toBe(413)
      expect(text).toMatch(/too large/)
      expect(pulled.bytes).toBe(0)
    }
    expect(await count()).toBe(before)
  })
})

afterAll(() => {
  const statuses = Object.entries(tally.statuses)
    .map(([status, count]) => `${status}: ${count}`)
    .join(', ')
  console.log(
    `hostile input: ${tally.requests} requests over ${tally.endpoints.size} endpoints, statuses {${statuses}}, ${tally.serverErrors} 5xx, ${tally.stackTraces} stack traces, rows stored ${tally.junkRows} (plus ${tally.signUps} valid sign-ups), rss growth ${tally.rssGrowthMb} MB`,
  )
})
