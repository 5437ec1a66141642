import { logger } from '@/lib/logger'

/**
 * Refusals met in normal use: not signed in, not allowed, nothing there, or a change the document's
 * state forbids (held by another editor, a post already sent).
 */
const EXPECTED = new Set([401, 403, 404, 409, 423])

export type Refusal = { method: string; path: string; status: number; message: string }

/**
 * The one log line of a request the app refused (a 4xx): the client's doing, not a fault of the
 * server, so a sentence and no stack trace. Info when the refusal is expected; warn otherwise (invalid
 * data, a malformed request, too many attempts: a broken client, or someone probing). The path goes
 * without its query, which can hold a token.
 */
export function logRefusal({ method, path, status, message }: Refusal): void {
  const sentence = `Refused ${method} ${path} (${status}): ${message}`
  if (EXPECTED.has(status)) logger.info({ method, path, status }, sentence)
  else logger.warn({ method, path, status }, sentence)
}
