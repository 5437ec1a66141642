import { APIError, type AfterErrorHook } from 'payload'

import { logRefusal } from '@/lib/http/log-refusal'
import { requestFault } from '@/lib/http/request-fault'

/** A refusal's status and message: an API error below 500, or a malformed request (`requestFault`). */
function refusalOf(cause: unknown): { status: number; message: string } | undefined {
  if (cause instanceof APIError) return cause.status < 500 ? { status: cause.status, message: cause.message } : undefined
  const fault = requestFault(cause)
  return fault ? { status: 400, message: fault } : undefined
}

/**
 * The log line of a REST request's API error and of every GraphQL error (Payload's own line is off
 * for them: see loggingLevels in payload.config.ts), with the request it answered: a refusal (4xx) as
 * one sentence without a stack; a fault of the server at error with its stack. A REST request's other
 * errors (a crash, a database failure) Payload logs itself, at error with the stack.
 */
export const logApiErrors: AfterErrorHook = ({ error, graphqlResult, req }) => {
  // GraphQL hands over its own error, wrapping the one an operation threw.
  const cause = graphqlResult ? ((error as { originalError?: unknown }).originalError ?? error) : error
  if (!graphqlResult && !(cause instanceof APIError)) return
  const method = req.method ?? 'POST'
  const path = req.pathname
  const refusal = refusalOf(cause)
  if (refusal) return logRefusal({ method, path, ...refusal })
  const status = cause instanceof APIError ? cause.status : 500
  const message = cause instanceof Error ? cause.message : String(cause)
  req.payload.logger.error({ method, path, status, err: cause }, `Failed ${method} ${path} (${status}): ${message}`)
}
