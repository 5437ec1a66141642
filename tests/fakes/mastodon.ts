import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { readBody } from '../../dev/request-body'

export type Visibility = 'public' | 'unlisted' | 'private' | 'direct'

export type FakeStatus = {
  /** A snowflake id as Mastodon makes them: above 2^53, so only a string holds it. */
  id: string
  /** The text as sent, before any formatting. */
  text: string
  inReplyToId: string | null
  visibility: Visibility
  language: string | null
  idempotencyKey: string | null
  /** Username of the account that posted it. */
  account: string
  deleted: boolean
  createdAt: Date
}

export type FakeMastodonOptions = {
  /** Access token → username of the account it belongs to. */
  tokens: Record<string, string>
  /** Mastodon's throttle per token (per IP without one): 300 requests per 5-minute window. */
  rateLimit?: { limit: number; windowMs: number }
}

export type FakeMastodon = {
  /** Base URL, no trailing slash. */
  url: string
  /** Every status created, deleted ones included (`deleted: true`). */
  statuses: FakeStatus[]
  /** Every request answered, in order. */
  requests: { method: string; path: string; status: number }[]
  /**
   * The next `count` authenticated POST/DELETE requests on statuses get `status` without acting.
   * A string body goes out as text/html (a proxy's error page), an object as JSON; default `{"error": <reason phrase>}`.
   */
  failNext: (count: number, status: number, body?: string | Record<string, unknown>, headers?: Record<string, string>) => void
  /** While on, POST /api/v1/statuses creates the status but keeps the answer; turning it off sends the held answers whose client is still there. */
  holdResponses: (on: boolean) => void
  close: () => Promise<void>
}

type Params = Record<string, unknown>
type Entity = { start: number; end: number; replacement: string }

const MAX_BODY = 1024 * 1024
const MAX_CHARS = 500
const URL_PLACEHOLDER = 'x'.repeat(23)
const IDEMPOTENCY_MS = 60 * 60 * 1000
const VISIBILITIES: readonly string[] = ['public', 'unlisted', 'private', 'direct']
const RECORD_NOT_FOUND = { error: 'Record not found' }
const INVALID_TOKEN = 'The access token is invalid'
const STATUS_PATH = /^\/api\/v1\/statuses\/([^/]+)$/
const WORD = String.raw`[\p{L}\p{M}\p{N}\p{Pc}]`
// Account::MENTION_RE; the domain part of @user@domain is what the length count leaves out.
const MENTION = new RegExp(String.raw`(?<![=/]|${WORD})@([a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)(?:@${WORD}+(?:[.-]+${WORD}+)*)?`, 'giu')
// twitter-text's URL extraction with a protocol required, approximated: a host with a dot, trailing punctuation left out.
const URL_CANDIDATE = /(?<![A-Za-z0-9@＠$#＃])https?:\/\/\S+/giu
const URL_HOST = /^https?:\/\/[^/?#]*\.[^/?#.]/i
const TRAILING_PUNCTUATION = /[.,:;!?'"\]]$/
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

// What Mastodon's nginx answers past client_max_body_size (99m there; a status body never comes near 1 MiB).
const TOO_LARGE_PAGE =
  '<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n'
const NOT_FOUND_PAGE = "<!DOCTYPE html>\n<html><head><title>The page you are looking for isn't here. - Mastodon</title></head><body></body></html>\n"

/**
 * The slice of Mastodon's REST API a poster uses, answering as Mastodon 4 does: Doorkeeper bearer tokens,
 * POST/GET/DELETE /api/v1/statuses with the status validations (500 characters counted as StatusLengthValidator
 * counts them), Idempotency-Key kept an hour per account, GET /api/v1/accounts/verify_credentials, and
 * Rack::Attack's per-token throttle with its X-RateLimit-* headers. Errors are `{"error": "..."}` JSON, except
 * where Mastodon itself answers HTML: unknown paths (unless the client asks for JSON) and nginx's 413.
 */
export async function startFakeMastodon(options: FakeMastodonOptions): Promise<FakeMastodon> {
  const { limit, windowMs } = options.rateLimit ?? { limit: 300, windowMs: 5 * 60 * 1000 }
  const statuses: FakeStatus[] = []
  const requests: FakeMastodon['requests'] = []
  const throttles = new Map<string, { window: number; count: number }>()
  const idempotency = new Map<string, { statusId: string; at: number }>()
  const held: { response: http.ServerResponse; answer: () => void }[] = []
  let holding = false
  let failures: { count: number; status: number; body: string | Record<string, unknown>; headers: Record<string, string> } = {
    count: 0,
    status: 0,
    body: '',
    headers: {},
  }
  let baseUrl = ''

  let lastMs = 0
  let sequence = 0
  /** Mastodon's timestamp ids: milliseconds shifted left 16 bits, a sequence in the low bits. */
  const snowflake = () => {
    const ms = Date.now()
    sequence = ms === lastMs ? sequence + 1 : 0
    lastMs = ms
    return ((BigInt(ms) << 16n) | BigInt(sequence & 0xffff)).toString()
  }
  const accountIds = new Map(Object.values(options.tokens).map((username) => [username, snowflake()]))
  const accountsCreatedAt = new Date(new Date().setUTCHours(0, 0, 0, 0)).toISOString()

  const visibleTo = (status: FakeStatus, viewer: string | undefined) =>
    !status.deleted && (status.visibility === 'public' || status.visibility === 'unlisted' || status.account === viewer)

  const accountJson = (username: string) => {
    const own = statuses.filter((status) => status.account === username && !status.deleted)
    const last = own.at(-1)
    return {
      id: accountIds.get(username),
      username,
      acct: username,
      display_name: '',
      locked: false,
      bot: false,
      discoverable: true,
      group: false,
      created_at: accountsCreatedAt,
      note: '',
      url: `${baseUrl}/@${username}`,
      uri: `${baseUrl}/users/${username}`,
      avatar: `${baseUrl}/avatars/original/missing.png`,
      avatar_static: `${baseUrl}/avatars/original/missing.png`,
      header: `${baseUrl}/headers/original/missing.png`,
      header_static: `${baseUrl}/headers/original/missing.png`,
      followers_count: 0,
      following_count: 0,
      statuses_count: own.length,
      last_status_at: last ? last.createdAt.toISOString().slice(0, 10) : null,
      emojis: [],
      fields: [],
    }
  }

  /** REST::StatusSerializer; `source` is the delete answer, which carries `text` instead of `content`. */
  const statusJson = (status: FakeStatus, viewer: string | undefined, source = false) => {
    const parent = statuses.find((other) => other.id === status.inReplyToId)
    return {
      id: status.id,
      created_at: status.createdAt.toISOString(),
      in_reply_to_id: status.inReplyToId,
      in_reply_to_account_id: parent ? accountIds.get(parent.account) : null,
      sensitive: false,
      spoiler_text: '',
      visibility: status.visibility,
      language: status.language,
      uri: `${baseUrl}/users/${status.account}/statuses/${status.id}`,
      url: `${baseUrl}/@${status.account}/${status.id}`,
      replies_count: statuses.filter((reply) => reply.inReplyToId === status.id && !reply.deleted).length,
      reblogs_count: 0,
      favourites_count: 0,
      edited_at: null,
      ...(source ? { text: status.text } : { content: formatContent(status.text) }),
      ...(viewer ? { favourited: false, reblogged: false, muted: false, bookmarked: false, filtered: [] } : {}),
      ...(viewer === status.account && status.visibility !== 'direct' ? { pinned: false } : {}),
      reblog: null,
      account: accountJson(status.account),
      media_attachments: [],
      mentions: [],
      tags: [],
      emojis: [],
      card: null,
      poll: null,
    }
  }

  /** Rack::Attack's fixed windows, aligned on multiples of the period; requests over the limit still count. */
  const throttle = (key: string) => {
    const now = Date.now()
    const window = Math.floor(now / windowMs)
    let bucket = throttles.get(key)
    if (!bucket || bucket.window !== window) throttles.set(key, (bucket = { window, count: 0 }))
    bucket.count++
    const headers = {
      'X-RateLimit-Limit': String(limit),
      'X-RateLimit-Remaining': String(Math.max(0, limit - bucket.count)),
      // Ruby's iso8601(6): microseconds.
      'X-RateLimit-Reset': new Date((window + 1) * windowMs).toISOString().replace('Z', '000Z'),
    }
    return { exceeded: bucket.count > limit, headers }
  }

  const server = http.createServer((request, response) => {
    const method = request.method ?? 'GET'
    const url = new URL(request.url ?? '/', baseUrl)
    const send = (status: number, body: string | object, headers: Record<string, string> = {}) => {
      requests.push({ method, path: url.pathname, status })
      const html = typeof body === 'string'
      response
        .writeHead(status, { 'content-type': `${html ? 'text/html' : 'application/json'}; charset=utf-8`, ...headers })
        .end(html ? body : JSON.stringify(body))
    }

    void readBody(request, MAX_BODY).then((raw) => {
      if (!raw) return send(413, TOO_LARGE_PAGE)
      const token = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1]
      const viewer = token !== undefined && Object.hasOwn(options.tokens, token) ? options.tokens[token] : undefined
      const rate = throttle(viewer ? `token:${token}` : `ip:${request.socket.remoteAddress}`)
      if (rate.exceeded) return send(429, { error: 'Too many requests' }, rate.headers)

      const answer = (status: number, body: object) => send(status, body, rate.headers)
      /** The account, or Doorkeeper's 401 for a missing or unknown token where one is required, before anything else. */
      const authenticate = () => {
        if (viewer) return viewer
        send(401, { error: INVALID_TOKEN }, {
          ...rate.headers,
          'WWW-Authenticate': `Bearer realm="Doorkeeper", error="invalid_token", error_description="${INVALID_TOKEN}"`,
        })
      }
      const failed = () => {
        if (failures.count === 0) return false
        failures.count--
        send(failures.status, failures.body, failures.headers)
        return true
      }

      const statusId = STATUS_PATH.exec(url.pathname)?.[1]
      if (method === 'POST' && url.pathname === '/api/v1/statuses') {
        const account = authenticate()
        if (!account || failed()) return
        const params = parseParams(request.headers['content-type'], raw.toString('utf8'))
        if (!params) return answer(400, { error: 'Bad Request' })
        return createStatus(account, { ...Object.fromEntries(url.searchParams), ...params }, request.headers['idempotency-key'], (status, body) => {
          if (status === 200 && holding) held.push({ response, answer: () => answer(status, body) })
          else answer(status, body)
        })
      }
      if (method === 'GET' && url.pathname === '/api/v1/accounts/verify_credentials') {
        const account = authenticate()
        if (!account) return
        const source = { privacy: 'public', sensitive: false, language: null, note: '', fields: [], follow_requests_count: 0 }
        return answer(200, { ...accountJson(account), source })
      }
      // An unknown token on a public endpoint is no token at all: Doorkeeper finds none and the request goes on anonymous.
      if (method === 'GET' && statusId !== undefined) {
        const status = statuses.find((candidate) => candidate.id === statusId)
        return status && visibleTo(status, viewer) ? answer(200, statusJson(status, viewer)) : answer(404, RECORD_NOT_FOUND)
      }
      if (method === 'DELETE' && statusId !== undefined) {
        const account = authenticate()
        if (!account || failed()) return
        const status = statuses.find((candidate) => candidate.id === statusId && candidate.account === account && !candidate.deleted)
        if (!status) return answer(404, RECORD_NOT_FOUND)
        status.deleted = true
        return answer(200, statusJson(status, account, true))
      }
      // Rails' catch-all route: Mastodon's HTML error page, JSON only for a client that asks for it.
      if ((request.headers.accept ?? '').includes('application/json')) return send(404, { error: 'Not Found' })
      send(404, NOT_FOUND_PAGE)
    })
  })

  /** Api::V1::StatusesController#create and PostStatusService, in their order: thread, idempotency, validation. */
  const createStatus = (
    account: string,
    params: Params,
    idempotencyHeader: string | string[] | undefined,
    reply: (status: number, body: object) => void,
  ) => {
    const inReplyToId = stringParam(params.in_reply_to_id)
    if (inReplyToId !== '') {
      const thread = statuses.find((status) => status.id === inReplyToId)
      if (!thread || !visibleTo(thread, account)) return reply(404, { error: 'The post you are trying to reply to does not appear to exist.' })
    }

    const key = typeof idempotencyHeader === 'string' && idempotencyHeader.trim() !== '' ? idempotencyHeader : null
    const idempotencySlot = `${account}\n${key}`
    const previous = key === null ? undefined : idempotency.get(idempotencySlot)
    if (previous && Date.now() - previous.at < IDEMPOTENCY_MS) {
      const status = statuses.find((candidate) => candidate.id === previous.statusId && !candidate.deleted)
      return status ? reply(200, statusJson(status, account)) : reply(404, RECORD_NOT_FOUND)
    }

    const text = stringParam(params.status)
    const visibility = stringParam(params.visibility) || 'public'
    const errors: string[] = []
    if (text.trim() === '') errors.push("Text can't be blank")
    else if (countableLength(text) > MAX_CHARS) errors.push(`Text character limit of ${MAX_CHARS} exceeded`)
    if (!VISIBILITIES.includes(visibility)) errors.push('Visibility is not included in the list')
    if (errors.length > 0) return reply(422, { error: `Validation failed: ${errors.join(', ')}` })

    const status: FakeStatus = {
      id: snowflake(),
      text,
      inReplyToId: inReplyToId || null,
      visibility: visibility as Visibility,
      language: stringParam(params.language) || null,
      idempotencyKey: key,
      account,
      deleted: false,
      createdAt: new Date(),
    }
    statuses.push(status)
    if (key !== null) idempotency.set(idempotencySlot, { statusId: status.id, at: Date.now() })
    reply(200, statusJson(status, account))
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  baseUrl = `http://127.0.0.1:${port}`
  return {
    url: baseUrl,
    statuses,
    requests,
    failNext: (count, status, body = { error: http.STATUS_CODES[status] ?? 'Error' }, headers = {}) => {
      failures = { count, status, body, headers }
    },
    holdResponses: (on) => {
      holding = on
      if (on) return
      for (const { response, answer } of held.splice(0)) if (!response.destroyed) answer()
    },
    close: () =>
      new Promise((resolve) => {
        held.length = 0
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/** Rails params: a JSON object or a form; undefined when the JSON does not parse (Rails answers 400). */
function parseParams(contentType: string | undefined, body: string): Params | undefined {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase()
  if (type === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(body))
  if (type !== 'application/json' || body.trim() === '') return {}
  try {
    const parsed: unknown = JSON.parse(body)
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Params) : {}
  } catch {
    return undefined
  }
}

function stringParam(value: unknown): string {
  return value === undefined || value === null ? '' : String(value)
}

/** StatusLengthValidator: grapheme clusters, every URL as 23 characters, @user@domain as @user. */
function countableLength(text: string): number {
  const entities: Entity[] = []
  for (const match of text.matchAll(URL_CANDIDATE)) {
    let url = match[0]
    while (TRAILING_PUNCTUATION.test(url) || (url.endsWith(')') && url.split('(').length < url.split(')').length)) url = url.slice(0, -1)
    if (URL_HOST.test(url)) entities.push({ start: match.index, end: match.index + url.length, replacement: URL_PLACEHOLDER })
  }
  for (const match of text.matchAll(MENTION)) {
    const end = match.index + match[0].length
    // Twitter::Regex[:end_mention_match]: not a mention when followed by another @ or by ://.
    if (/^(?:[@＠]|:\/\/)/.test(text.slice(end))) continue
    entities.push({ start: match.index, end, replacement: `@${match[1]}` })
  }
  entities.sort((a, b) => a.start - b.start)
  let countable = ''
  let index = 0
  for (const entity of entities) {
    if (entity.start < index) continue // overlapping an earlier entity: Extractor.remove_overlapping_entities
    countable += text.slice(index, entity.start) + entity.replacement
    index = entity.end
  }
  countable += text.slice(index)
  return [...graphemes.segment(countable)].length
}

/** Mastodon's plain-text formatting: paragraphs on blank lines, <br /> for single newlines, HTML escaped. */
function formatContent(text: string): string {
  const escaped = text.replace(/[&<>"']/g, (char) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": '#39' }[char]};`)
  return escaped
    .replace(/\r\n?/g, '\n')
    .split(/\n\n+/)
    .map((paragraph) => `<p>${paragraph.replace(/\n/g, '<br />')}</p>`)
    .join('')
}
