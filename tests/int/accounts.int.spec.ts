/** Social accounts: admins only, and their credentials sealed at rest and never sent back by any API. */
import { sql } from '@payloadcms/db-postgres'
import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { credentialsKey, unseal } from '../../src/lib/credential-seal'
import { getEnv } from '../../src/lib/env'
import { authHeaders, createUser } from '../helpers/content'
import { startTestPayload, type TestPayload } from '../helpers/payload'
import { graphql, rest } from '../helpers/rest'

const TOKEN = 'mastodon-access-token-7f3a9c'
let ctx: TestPayload
let payload: Payload
const auth: Record<string, Record<string, string>> = {}

beforeAll(async () => {
  ctx = await startTestPayload()
  payload = ctx.payload
  for (const role of ['admin', 'editor'] as const) {
    auth[role] = await authHeaders(payload, await createUser(payload, role, `accounts-${role}@example.org`))
  }
})
afterAll(async () => {
  await ctx?.stop()
})

const mastodon = { network: 'mastodon', displayName: 'Northfield on Mastodon', baseUrl: 'https://mastodon.example', secret: TOKEN, schedule: { timeZone: 'Europe/London', slots: [{ weekday: '1', time: '09:00' }] } }
const storedSecret = async (id: number) => {
  const { rows } = await (payload.db as unknown as { drizzle: { execute: (query: unknown) => Promise<{ rows: { secret: string }[] }> } }).drizzle.execute(sql`select secret from accounts where id = ${id}`)
  return rows[0]!.secret
}

describe('a social account', () => {
  it('keeps its credential sealed in the database and out of every API answer', async () => {
    const created = await rest('POST', '/api/accounts', { json: mastodon, headers: auth.admin })
    expect(created.status).toBe(201)
    expect(created.text).not.toContain(TOKEN)
    const id = (created.json!.doc as { id: number }).id
    expect(created.json!.doc).not.toHaveProperty('secret')

    const stored = await storedSecret(id)
    expect(stored).toMatch(/^sealed:v1:/)
    expect(stored).not.toContain(TOKEN)
    expect(unseal(stored, credentialsKey(getEnv()))).toBe(TOKEN)

    for (const path of ['/api/accounts', `/api/accounts/${id}`, '/api/accounts?depth=2&select[secret]=true']) {
      const answer = await rest('GET', path, { headers: auth.admin })
      expect(answer.status).toBe(200)
      expect(answer.text).not.toContain(TOKEN)
      expect(answer.text).not.toContain('sealed:v1:')
    }
    const viaGraphql = await graphql(`{ Accounts { docs { displayName secret } } }`, auth.admin)
    expect(viaGraphql.status).toBe(200)
    expect((viaGraphql.json as { data: { Accounts: { docs: { displayName: string; secret: string | null }[] } } }).data.Accounts.docs).toEqual([{ displayName: 'Northfield on Mastodon', secret: null }])

    // Saving without a credential keeps it; a new one replaces it.
    expect((await rest('PATCH', `/api/accounts/${id}`, { json: { displayName: 'Renamed' }, headers: auth.admin })).status).toBe(200)
    expect(unseal(await storedSecret(id), credentialsKey(getEnv()))).toBe(TOKEN)
    await rest('PATCH', `/api/accounts/${id}`, { json: { secret: 'rotated-token' }, headers: auth.admin })
    expect(unseal(await storedSecret(id), credentialsKey(getEnv()))).toBe('rotated-token')
  })

  it('is for admins only', async () => {
    expect((await rest('GET', '/api/accounts')).status).toBe(403)
    expect((await rest('GET', '/api/accounts', { headers: auth.editor })).status).toBe(403)
    expect((await rest('POST', '/api/accounts', { json: mastodon, headers: auth.editor })).status).toBe(403)
  })

  it('refuses a schedule or an address that would not work, saying why', async () => {
    const badZone = await rest('POST', '/api/accounts', { json: { ...mastodon, schedule: { timeZone: 'Mars/Olympus', slots: [] } }, headers: auth.admin })
    expect(badZone.status).toBe(400)
    expect(badZone.text).toContain('is not a time zone')
    const badTime = await rest('POST', '/api/accounts', { json: { ...mastodon, schedule: { timeZone: 'UTC', slots: [{ weekday: '1', time: '9am' }] } }, headers: auth.admin })
    expect(badTime.status).toBe(400)
    expect(badTime.text).toContain('HH:MM')
    const badUrl = await rest('POST', '/api/accounts', { json: { ...mastodon, baseUrl: 'mastodon.example' }, headers: auth.admin })
    expect(badUrl.status).toBe(400)
    expect(badUrl.text).not.toContain(TOKEN)
  })
})
