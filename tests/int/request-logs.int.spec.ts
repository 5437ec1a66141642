/**
 * What staff logs say about a request the app refused or failed, read from the app's own log stream
 * while requests go through the REST and GraphQL route handlers: a refusal is one line at info (an
 * expected 401/403/404) or warn (invalid data), a sentence with the method, path and status and no
 * stack trace; a fault of the server stays at error, with its stack.
 */
import { sql } from '@payloadcms/db-postgres'
import type { Payload } from 'payload'
import pino from 'pino'
import { afterAll, beforeAll, expect, it, vi } from 'vitest'

import { logger } from '../../src/lib/logger'
import { authHeaders, createItem, createUser } from '../helpers/content'
import { startTestPayload, type TestPayload } from '../helpers/payload'
import { graphql, rest } from '../helpers/rest'

type Line = { level: number; msg: string; method?: string; path?: string; status?: number; err?: { message: string; stack?: string } }
const INFO = 30
const WARN = 40
const ERROR = 50

let ctx: TestPayload
let payload: Payload
const written: string[] = []
const stream = (logger as unknown as Record<symbol, { write: (line: string) => boolean }>)[pino.symbols.streamSym]!

beforeAll(async () => {
  ctx = await startTestPayload({ DELIVERY_CHANNELS: 'log' })
  payload = ctx.payload
  await createUser(payload, 'admin') // the first account is an admin whatever its role: the others keep theirs
  // The suite logs at warn; refusals that staff expect are info lines.
  logger.level = 'info'
  vi.spyOn(stream, 'write').mockImplementation((line) => {
    written.push(line)
    return true
  })
})
afterAll(async () => {
  vi.restoreAllMocks()
  await ctx?.stop()
})

/** The lines logged while `request` ran, with what it answered. */
async function logged<T>(request: () => Promise<T>): Promise<{ answer: T; lines: Line[]; text: string }> {
  const from = written.length
  const answer = await request()
  const raw = written.slice(from)
  return { answer, lines: raw.map((line) => JSON.parse(line) as Line), text: raw.join('') }
}

/** The one line about `path`: a sentence at `level` with the request in it, and no stack anywhere. */
function expectRefusalLine(result: { lines: Line[]; text: string }, method: string, path: string, status: number, level: number, message: string) {
  const about = result.lines.filter((line) => line.path === path)
  expect(about, result.text).toHaveLength(1)
  expect(about[0]).toMatchObject({ level, method, path, status, msg: `Refused ${method} ${path} (${status}): ${message}` })
  expect(about[0]!.err).toBeUndefined()
  expect(result.lines.filter((line) => line.level >= ERROR), result.text).toEqual([])
  expect(result.text).not.toMatch(/stack|\n\s+at /)
}

it('logs an anonymous read of the subscribers as one info line: who asked for what, and Payload’s refusal', async () => {
  const result = await logged(() => rest('GET', '/api/subscribers?where[email][equals]=someone@example.org'))
  expect(result.answer.status).toBe(403)
  expectRefusalLine(result, 'GET', '/api/subscribers', 403, INFO, 'You are not allowed to perform this action.')
  // The query (which can hold an address or a token) stays out of the line.
  expect(result.text).not.toContain('someone@example.org')
})

it('logs an author’s forbidden update at info, without a stack', async () => {
  const author = await createUser(payload, 'author')
  const draft = await createItem(payload, 'announcements', { owner: author })
  const headers = await authHeaders(payload, author)
  const path = `/api/announcements/${draft.id}`
  const result = await logged(() => rest('PATCH', path, { json: { _status: 'published' }, headers }))
  expect(result.answer.status).toBe(403)
  expectRefusalLine(result, 'PATCH', path, 403, INFO, 'You are not allowed to perform this action.')
})

it('logs an invalid save as one warning naming the fields, without a stack', async () => {
  const editor = await authHeaders(payload, await createUser(payload, 'editor'))
  const result = await logged(() => rest('POST', '/api/announcements', { json: { title: '', urgency: 'standard' }, headers: editor }))
  expect(result.answer.status).toBe(400)
  expectRefusalLine(result, 'POST', '/api/announcements', 400, WARN, 'The following fields are invalid: Title, Summary, Body')
})

it('logs a refusal Payload raises as a plain API error (a password reset with a bad token) the same way', async () => {
  const result = await logged(() => rest('POST', '/api/users/reset-password', { json: { token: 'not-a-real-token', password: 'a-new-long-password' } }))
  expect(result.answer.status).toBe(403)
  expectRefusalLine(result, 'POST', '/api/users/reset-password', 403, INFO, 'Token is either invalid or has expired.')
})

it('logs a request whose body cannot be read (a POST standing in for a GET, with "JSON" that is not) as one warning', async () => {
  // The app's own route (src/app/(payload)/api), which answers what Payload's handler throws on.
  const { POST } = await import('@/app/(payload)/api/[...slug]/route')
  const request = new Request('http://localhost:3000/api/announcements', { method: 'POST', body: '{not json', headers: { 'content-type': 'application/json', 'x-http-method-override': 'GET' } })
  const result = await logged(() => POST(request, { params: Promise.resolve({ slug: ['announcements'] }) }))
  expect(result.answer.status).toBe(400)
  const about = result.lines.filter((line) => line.path === '/api/announcements')
  expect(about, result.text).toHaveLength(1)
  expect(about[0]).toMatchObject({ level: WARN, method: 'POST', status: 400, msg: expect.stringMatching(/^Refused POST \/api\/announcements \(400\): /) })
  expect(result.text).not.toMatch(/stack|\n\s+at /)
})

it('logs a refused GraphQL query the same way', async () => {
  const result = await logged(() => graphql('{ Subscribers { docs { email } } }'))
  expect(result.answer.status).toBe(200)
  expect(result.answer.json?.errors).toBeDefined()
  expectRefusalLine(result, 'POST', '/api/graphql', 403, INFO, 'You are not allowed to perform this action.')
})

it('still logs a failing database at error, with its stack', async () => {
  const db = (payload.db as unknown as { drizzle: { execute: (query: unknown) => Promise<unknown> } }).drizzle
  await db.execute(sql`alter table topics rename to topics_away`)
  try {
    const result = await logged(() => rest('GET', '/api/topics'))
    expect(result.answer.status).toBe(500)
    const errors = result.lines.filter((line) => line.level === ERROR)
    expect(errors, result.text).toHaveLength(1)
    expect(errors[0]!.err?.message).toMatch(/topics/)
    expect(errors[0]!.err?.stack).toMatch(/\n\s+at /)
  } finally {
    await db.execute(sql`alter table topics_away rename to topics`)
  }
})

it('logs a fault of the server met by a GraphQL query (the database failing) at error, with the request and its stack', async () => {
  const db = (payload.db as unknown as { drizzle: { execute: (query: unknown) => Promise<unknown> } }).drizzle
  await db.execute(sql`alter table topics rename to topics_away`)
  try {
    const result = await logged(() => graphql('{ Topics { docs { name } } }'))
    expect(result.answer.json?.errors).toBeDefined()
    const failure = result.lines.filter((line) => line.path === '/api/graphql')
    expect(failure, result.text).toHaveLength(1)
    expect(failure[0]).toMatchObject({ level: ERROR, method: 'POST', status: 500, msg: expect.stringMatching(/^Failed POST \/api\/graphql \(500\): .*topics/) })
    expect(failure[0]!.err?.stack).toMatch(/\n\s+at /)
  } finally {
    await db.execute(sql`alter table topics_away rename to topics`)
  }
})
