import { APIError, type AfterErrorHook } from 'payload'

import { requestFault } from '@/lib/http/request-fault'

/**
 * Payload's REST and GraphQL answer 500, "Something went wrong.", to the malformed requests that
 * `requestFault` knows: a 400 with a sentence saying what is wrong instead (in GraphQL, named as
 * Payload names a query it refuses, not by the internal error). Payload has already logged the error
 * for staff.
 */
export const answerRequestFaults: AfterErrorHook = ({ error, graphqlResult }) => {
  // Payload's own refusals (a field that fails validation, a 403, a 404) already answer with their
  // status and details, which staff and the admin need ("the limit is 500"): leave them be.
  const cause = (error as { originalError?: unknown }).originalError ?? error
  if (cause instanceof APIError && cause.status < 500) return
  const message = requestFault(error)
  if (!message) return
  if (graphqlResult) return { graphqlResult: { ...graphqlResult, message, extensions: { ...graphqlResult.extensions, name: 'QueryError', statusCode: 400 } } }
  return { response: { errors: [{ message }] }, status: 400 }
}
