import { randomBytes } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { readBody } from '../request-body'

/** One message as a recipient would get it: a personalization expanded with its substitutions. */
export type SinkMessage = {
  messageId: string
  at: string
  from: string
  to: string
  subject: string
  text?: string
  html?: string
  headers: Record<string, string>
  customArgs: Record<string, string>
}

export type SinkFaults = {
  /** Share of requests (0–1, in twentieths) answered 429 with Retry-After and X-RateLimit-Reset. */
  rate429: number
  /** Share of requests (0–1, in twentieths) answered 500. */
  rate500: number
  retryAfterSeconds: number
  /** Milliseconds an accepted request waits before its 202: a slow provider, or time to crash mid-send. */
  latencyMs: number
}

export type MailSink = {
  url: string
  /** What it accepted, per recipient (with `keep: 'count'`, nothing: for benchmarks of millions). */
  messages: SinkMessage[]
  /** Each accepted request's JSON body as SendGrid got it, in order (with `keep: 'count'`, nothing). */
  requests: unknown[]
  /** How many recipients' messages it accepted. */
  accepted: () => number
  /** Requests answered, by status. */
  answered: Record<number, number>
  setFaults: (faults: Partial<SinkFaults>) => void
  /** The key it accepts from now on, as when an account's key is rotated or revoked. */
  setApiKey: (apiKey: string) => void
  close: () => Promise<void>
}

const MAX_BODY = 30 * 1024 * 1024
const MAX_PERSONALIZATIONS = 1000
const MAX_RECIPIENTS = 1000
// Headers SendGrid refuses in `headers`: it sets them itself.
const RESERVED_HEADERS = new Set(['x-sg-id', 'x-sg-eid', 'received', 'dkim-signature', 'content-type', 'content-transfer-encoding', 'to', 'from', 'subject', 'reply-to', 'cc', 'bcc'])
const EMAIL = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/

type Address = { email?: unknown; name?: unknown }
type Personalization = { to?: Address[]; cc?: Address[]; bcc?: Address[]; subject?: unknown; headers?: Record<string, unknown>; substitutions?: Record<string, unknown>; custom_args?: Record<string, unknown> }
type MailSend = {
  personalizations?: Personalization[]
  from?: Address
  subject?: unknown
  content?: { type?: unknown; value?: unknown }[]
  headers?: Record<string, unknown>
  custom_args?: Record<string, unknown>
}

class Refusal extends Error {
  constructor(
    readonly field: string | null,
    message: string,
  ) {
    super(message)
  }
}

const addresses = (list: Address[] | undefined, field: string): string[] => {
  if (list === undefined) return []
  if (!Array.isArray(list)) throw new Refusal(field, `The ${field} field must be an array.`)
  return list.map((address, index) => {
    if (typeof address?.email !== 'string' || !EMAIL.test(address.email)) {
      throw new Refusal(`${field}.${index}.email`, 'Does not contain a valid address.')
    }
    return address.email
  })
}

const checkHeaders = (headers: Record<string, unknown> | undefined, field: string) => {
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (RESERVED_HEADERS.has(name.toLowerCase())) throw new Refusal(field, `The header ${name} is reserved and cannot be set.`)
    if (typeof value !== 'string') throw new Refusal(field, `The value of the header ${name} must be a string.`)
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) throw new Refusal(field, `The header ${name} contains a line break.`)
  }
}

/** The validation rules of POST /v3/mail/send that matter to a sender, with SendGrid's wording. */
function validate(body: MailSend): void {
  const { personalizations } = body
  if (!Array.isArray(personalizations) || personalizations.length === 0) {
    throw new Refusal('personalizations', 'The personalizations field is required and must have at least one personalization.')
  }
  if (personalizations.length > MAX_PERSONALIZATIONS) {
    throw new Refusal('personalizations', `The personalizations field must have no more than ${MAX_PERSONALIZATIONS} personalizations.`)
  }
  let recipients = 0
  personalizations.forEach((personalization, index) => {
    const to = addresses(personalization.to, `personalizations.${index}.to`)
    if (to.length === 0) throw new Refusal(`personalizations.${index}.to`, 'The to array is required for all personalization objects, and must have at least one email object with a valid email address.')
    recipients += to.length + addresses(personalization.cc, `personalizations.${index}.cc`).length + addresses(personalization.bcc, `personalizations.${index}.bcc`).length
    checkHeaders(personalization.headers, `personalizations.${index}.headers`)
    if (personalization.subject === undefined && typeof body.subject !== 'string') {
      throw new Refusal('subject', 'The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.')
    }
  })
  if (recipients > MAX_RECIPIENTS) throw new Refusal('personalizations', `The total number of recipients must be no more than ${MAX_RECIPIENTS}.`)
  if (typeof body.from?.email !== 'string' || !EMAIL.test(body.from.email)) throw new Refusal('from.email', 'The from object must be provided for every email send. It is an object that requires the email parameter, but may also contain a name parameter.')
  if (!Array.isArray(body.content) || body.content.length === 0) throw new Refusal('content', 'Unless a valid template_id is provided, the content parameter is required. There must be at least one defined content block.')
  body.content.forEach((block, index) => {
    if (typeof block?.type !== 'string' || typeof block.value !== 'string' || block.value.length === 0) {
      throw new Refusal(`content.${index}`, 'The content value must be a string at least one character in length.')
    }
  })
  if (body.content.findIndex((block) => block.type === 'text/plain') > 0) throw new Refusal('content', 'If present, text/plain content must be first, followed by any other content.')
  checkHeaders(body.headers, 'headers')
}

const substitute = (text: string | undefined, substitutions: Record<string, unknown> | undefined) =>
  text === undefined ? undefined : Object.entries(substitutions ?? {}).reduce((out, [key, value]) => out.split(key).join(String(value)), text)

function expand(body: MailSend, messageId: string): SinkMessage[] {
  const content = (type: string) => body.content!.find((block) => block.type === type)?.value as string | undefined
  return body.personalizations!.flatMap((personalization) =>
    addresses(personalization.to, 'to').map((to) => ({
      messageId,
      at: new Date().toISOString(),
      from: body.from!.email as string,
      to,
      subject: substitute(String(personalization.subject ?? body.subject), personalization.substitutions)!,
      text: substitute(content('text/plain'), personalization.substitutions),
      html: substitute(content('text/html'), personalization.substitutions),
      headers: Object.fromEntries(Object.entries({ ...body.headers, ...personalization.headers }).map(([name, value]) => [name, String(value)])),
      customArgs: Object.fromEntries(Object.entries({ ...body.custom_args, ...personalization.custom_args }).map(([name, value]) => [name, String(value)])),
    })),
  )
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

function inboxPage(messages: SinkMessage[]): string {
  const rows = messages
    .slice(-200)
    .reverse()
    .map((message, index) => `<tr><td>${escapeHtml(message.at)}</td><td>${escapeHtml(message.to)}</td><td><a href="/inbox/${messages.length - 1 - index}">${escapeHtml(message.subject)}</a></td></tr>`)
    .join('')
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>Mail sink</title><body><h1>Mail sink: ${messages.length} messages</h1><table><tr><th>At</th><th>To</th><th>Subject</th></tr>${rows}</table></body></html>`
}

/**
 * A local stand-in for SendGrid's v3 mail send API: the same path, authentication, validation rules,
 * status codes and X-Message-Id, keeping what it accepted in memory (expanded per recipient) and
 * showing it at /inbox. It can be told to answer 429 (with Retry-After and X-RateLimit-Reset) or 500
 * for a share of requests. Tests, benchmarks and the local demo send to it; production never does.
 */
export async function startMailSink(options: { port?: number; apiKey?: string; keep?: 'messages' | 'count' } = {}): Promise<MailSink> {
  const messages: SinkMessage[] = []
  const requests: unknown[] = []
  let acceptedCount = 0
  const answered: Record<number, number> = {}
  let faults: SinkFaults = { rate429: 0, rate500: 0, retryAfterSeconds: 1, latencyMs: 0 }
  // Faults follow a fixed cycle of 20 requests rather than chance, so "half" is exactly half and the
  // first request after setFaults is refused: a test of them cannot pass by luck.
  let cycle = 0
  let apiKey = options.apiKey

  const server = http.createServer((request, response) => {
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      answered[status] = (answered[status] ?? 0) + 1
      response.writeHead(status, { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers }).end(body === undefined ? undefined : JSON.stringify(body))
    }
    const refuse = (status: number, field: string | null, message: string) => send(status, { errors: [{ message, field, help: null }] })
    const url = new URL(request.url ?? '/', 'http://sink')

    if (request.method === 'GET' && url.pathname === '/inbox') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(inboxPage(messages))
      return
    }
    const single = /^\/inbox\/(\d+)$/.exec(url.pathname)
    if (request.method === 'GET' && single) {
      const message = messages[Number(single[1])]
      if (!message) return refuse(404, null, 'No such message')
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(message.html ?? `<pre>${escapeHtml(message.text ?? '')}</pre>`)
      return
    }
    if (url.pathname !== '/v3/mail/send') return refuse(404, null, 'Not found')
    if (request.method !== 'POST') return refuse(405, null, 'Method not allowed')
    if (apiKey && request.headers.authorization !== `Bearer ${apiKey}`) {
      return refuse(401, null, 'The provided authorization grant is invalid, expired, or revoked')
    }

    void readBody(request, MAX_BODY).then((raw) => {
      if (!raw) return refuse(413, null, 'The JSON payload must be no larger than 30MB.')
      const roll = (cycle++ % 20) / 20
      if (roll < faults.rate429) {
        const reset = Math.ceil(Date.now() / 1000) + faults.retryAfterSeconds
        return send(429, { errors: [{ message: 'too many requests', field: null, help: null }] }, { 'retry-after': String(faults.retryAfterSeconds), 'x-ratelimit-reset': String(reset) })
      }
      if (roll < faults.rate429 + faults.rate500) return refuse(500, null, 'Internal server error')
      let body: MailSend
      try {
        body = JSON.parse(raw.toString('utf8')) as MailSend
      } catch {
        return refuse(400, null, 'Bad Request')
      }
      try {
        validate(body)
      } catch (error) {
        if (error instanceof Refusal) return refuse(400, error.field, error.message)
        throw error
      }
      const messageId = randomBytes(11).toString('base64url')
      const expanded = expand(body, messageId)
      acceptedCount += expanded.length
      if (options.keep !== 'count') {
        messages.push(...expanded)
        requests.push(body)
      }
      // Accepted (and kept) before the answer leaves, as at SendGrid: a sender that dies meanwhile
      // does not know whether the batch went.
      if (faults.latencyMs > 0) setTimeout(() => send(202, undefined, { 'x-message-id': messageId }), faults.latencyMs)
      else send(202, undefined, { 'x-message-id': messageId })
    })
  })
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    requests,
    accepted: () => acceptedCount,
    answered,
    setFaults: (change) => {
      faults = { ...faults, ...change }
      cycle = 0
    },
    setApiKey: (key) => {
      apiKey = key
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
