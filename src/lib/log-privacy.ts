import { createHash } from 'node:crypto'

const ADDRESS = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g
/** Keys whose values are credentials wherever they appear. */
const SECRET_KEY = /pass(word)?|secret|token|authori[sz]ation|api[-_]?key|cookie|signature/i
const MAX_DEPTH = 6

/**
 * An email address as it may appear in a log: a short hash, the same for the same address, so staff
 * can follow one person through the logs without the logs holding who they are.
 */
export const addressHash = (address: string) => `email#${createHash('sha256').update(address.toLowerCase()).digest('hex').slice(0, 12)}`

/**
 * What a log line may hold: every email address replaced by its hash, in messages and in any field,
 * and the values of credential-like keys (passwords, tokens, API keys, authorization headers) removed.
 * Errors keep their type, message and stack, scrubbed the same way.
 */
export function scrubForLog(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.replace(ADDRESS, addressHash)
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value
  if (value instanceof Error) {
    const copy = new Error(value.message.replace(ADDRESS, addressHash))
    copy.name = value.name
    copy.stack = value.stack?.replace(ADDRESS, addressHash)
    return copy
  }
  if (Array.isArray(value)) return value.map((item) => scrubForLog(item, depth + 1))
  if (value instanceof Date || Buffer.isBuffer(value)) return value
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, SECRET_KEY.test(key) ? '[redacted]' : scrubForLog(item, depth + 1)]))
}
