import { APIError } from 'payload'

import type { RouteHandler } from '@/lib/http/bounded-body'
import { logRefusal } from '@/lib/http/log-refusal'

/**
 * What to tell a client whose request caused `error`, or undefined when the fault is the server's.
 * Payload 3.90.2 answers 500 to these malformed requests (found by tests/int/hostile-input):
 * - a body or a `where` parameter that is not JSON (SyntaxError from JSON.parse);
 * - a value PostgreSQL cannot compare with the column (SQLSTATE class 22, data exception): a NUL
 *   character, "abc" or 1e20 for an id, `page=-1`; 42804, a list where one value goes
 *   (`limit=1&limit=2`); 42883, an operator the column type has none of (`like` on rich text);
 * - a geo operator (`near`, `within`, `intersects`) on a field that is not a point, which the
 *   PostgreSQL adapter has no function for.
 */
export function requestFault(error: unknown): string | undefined {
  const cause = (error as { originalError?: unknown }).originalError ?? error
  if (cause instanceof SyntaxError) return 'The request could not be read: a body or `where` parameter that should be JSON is not.'
  const code = (cause as { cause?: { code?: unknown } }).cause?.code
  if (typeof code === 'string' && (code.startsWith('22') || code === '42804' || code === '42883')) return 'The request holds a value that does not fit the field it is compared with (a number, an id, a page or a character it cannot have).'
  if (cause instanceof TypeError && /^adapter\.operators\[\w+\] is not a function$/.test(cause.message)) return 'The request uses an operator the field does not support.'
  return undefined
}

/**
 * The answer to an error thrown out of a Payload route handler, when the request caused it: Payload's
 * own 4xx APIError where its handler does not catch it (GraphQL's "Invalid JSON"), or a requestFault.
 */
function refusalFor(error: unknown): { status: number; message: string } | undefined {
  if (error instanceof APIError && error.status >= 400 && error.status < 500) return { status: error.status, message: `The request could not be read: ${error.message}.` }
  const message = requestFault(error)
  return message ? { status: 400, message } : undefined
}

/**
 * Payload's route handler (`REST_POST`, `GRAPHQL_POST`), answering a request that caused its error
 * with a 4xx and a sentence instead of throwing (which Next.js answers with a 500). Logged for staff.
 */
export const answeringRequestFaults =
  <Context extends unknown[]>(handler: RouteHandler<Context>): RouteHandler<Context> =>
  async (request, ...context) => {
    try {
      return await handler(request, ...context)
    } catch (error) {
      const refusal = refusalFor(error)
      if (!refusal) throw error
      logRefusal({ method: request.method, path: new URL(request.url).pathname, status: refusal.status, message: error instanceof Error ? error.message : String(error) })
      return Response.json({ errors: [{ message: refusal.message }] }, { status: refusal.status })
    }
  }
