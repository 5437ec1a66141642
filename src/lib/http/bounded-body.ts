import { logger } from '@/lib/logger'

/**
 * The site's HTML forms (preferences, one-click unsubscribe): a token and at most 100 topic slugs fit
 * in a few KB; the rest is room for a browser's encoding.
 */
export const FORM_BODY_LIMIT = 16 * 1024
/** SendGrid posts its events every 30 seconds or when a batch reaches 768 KB, whichever comes first. */
export const SENDGRID_EVENTS_BODY_LIMIT = 1024 * 1024
/** A GraphQL query and its variables: a few KB from the public (the admin writes through REST). */
export const GRAPHQL_BODY_LIMIT = 64 * 1024

/** Payload's REST writes in JSON: a long report's rich text is a few hundred KB. */
export const API_JSON_BODY_LIMIT = 2 * 1024 * 1024
/** Payload's REST writes as a form with a file: the largest upload it takes (50 MB) and the fields around it. */
export const API_FORM_BODY_LIMIT = 51 * 1024 * 1024

/** A request body over its endpoint's limit: answer 413 with `message`. */
export class BodyTooLarge extends Error {
  constructor(limit: number) {
    super(`The request is too large: send at most ${Math.floor(limit / 1024)} KB.`)
  }
}

/**
 * The request's body as text (UTF-8, a bad byte becoming U+FFFD, as Request.text() does), read only as
 * far as `limit` bytes: a bigger body is a BodyTooLarge instead, whether its Content-Length says so
 * (nothing is read) or it comes in chunks (reading stops one chunk past the limit; the rest is never
 * taken in). Every refusal is logged, with the route, for staff.
 */
export async function boundedText(request: { body?: Request['body']; headers: Headers }, limit: number, route: string): Promise<string | BodyTooLarge> {
  const declared = Number(request.headers.get('content-length'))
  if (declared > limit) return refuse(route, limit, declared)
  if (!request.body) return ''
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    size += read.value.byteLength
    if (size > limit) {
      // Lets go of the rest unread; the sender still gets the answer.
      await reader.cancel()
      return refuse(route, limit, size)
    }
    chunks.push(read.value)
  }
  return new TextDecoder().decode(Buffer.concat(chunks))
}

function refuse(route: string, limit: number, size: number): BodyTooLarge {
  logger.warn({ route, limit, size }, 'request body over the limit refused')
  return new BodyTooLarge(limit)
}

/** A Next.js route handler: the request, then the route's context (its params), if any. */
export type RouteHandler<Context extends unknown[]> = (request: Request, ...context: Context) => Promise<Response>

/**
 * `handler` behind a body limit, for a route whose own code reads the whole body (Payload's GraphQL):
 * a body over `limit` gets 413 in JSON; any other reaches the handler as text already read.
 */
export const withBodyLimit =
  <Context extends unknown[]>(handler: RouteHandler<Context>, limit: number, route: string): RouteHandler<Context> =>
  async (request, ...context) => {
    const text = await boundedText(request, limit, route)
    if (text instanceof BodyTooLarge) return Response.json({ errors: [{ message: text.message }] }, { status: 413 })
    return handler(new Request(request, { body: request.body ? text : undefined }), ...context)
  }

/**
 * `handler` (Payload's REST writes) refusing with 413, before anything is read, a body whose
 * Content-Length is over the limit for its type. Payload reads a JSON body whole, and a form's files up
 * to its upload limit; a body sent in chunks without a length is capped by the proxy in front (nginx's
 * client_max_body_size). The endpoints with a smaller limit of their own (sign-up, the SendGrid
 * webhook) read their bodies through `boundedText`.
 */
export const withDeclaredSizeLimits =
  <Context extends unknown[]>(handler: RouteHandler<Context>): RouteHandler<Context> =>
  async (request, ...context) => {
    const form = (request.headers.get('content-type') ?? '').toLowerCase().startsWith('multipart/form-data')
    const limit = form ? API_FORM_BODY_LIMIT : API_JSON_BODY_LIMIT
    const declared = Number(request.headers.get('content-length'))
    if (declared > limit) return Response.json({ errors: [{ message: refuse(new URL(request.url).pathname, limit, declared).message }] }, { status: 413 })
    return handler(request, ...context)
  }
