/** What an anonymous visitor can get out of the REST and GraphQL APIs: published items only, no personal data. */
import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createItem, createUser } from '../helpers/content'
import { startTestPayload, type TestPayload } from '../helpers/payload'
import { graphql, rest } from '../helpers/rest'

let ctx: TestPayload
let payload: Payload
let published: { id: number }
let draft: { id: number }
const subscriberEmail = 'private.person@example.org'

beforeAll(async () => {
  ctx = await startTestPayload()
  payload = ctx.payload
  const author = await createUser(payload, 'author', 'author@example.org')
  published = await createItem(payload, 'announcements', { owner: author, status: 'published', title: 'Live statement' })
  draft = await createItem(payload, 'announcements', { owner: author, title: 'Embargoed draft' })
  // A draft saved on top of the published item: its new title must not leak either.
  await payload.update({ collection: 'announcements', id: published.id, draft: true, data: { title: 'Unreleased correction' } })
  await payload.create({ collection: 'subscribers', data: { email: subscriberEmail, status: 'confirmed' } })
})
afterAll(async () => {
  await ctx?.stop()
})

describe('anonymous REST', () => {
  it('lists only published announcements, even with draft=true', async () => {
    for (const query of ['', '?draft=true', '?draft=true&where[_status][equals]=draft']) {
      const { status, text, json } = await rest('GET', `/api/announcements${query}`)
      expect(status).toBe(200)
      const docs = json?.docs as { id: number; _status: string; title: string }[]
      // draft=true asks for the latest version, which is an unreleased draft: the public gets nothing rather than the draft.
      expect(docs.map((doc) => doc.id)).toEqual(query === '' ? [published.id] : [])
      expect(docs.every((doc) => doc._status === 'published')).toBe(true)
      expect(text).not.toContain('Embargoed draft')
      expect(text).not.toContain('Unreleased correction')
    }
  })

  it('answers 404 for a draft by id, with or without draft=true', async () => {
    for (const query of ['', '?draft=true']) {
      const { status, text } = await rest('GET', `/api/announcements/${draft.id}${query}`)
      expect(status).toBe(404)
      expect(text).not.toContain('Embargoed draft')
    }
  })

  it('does not reveal versions', async () => {
    const { status, text } = await rest('GET', '/api/announcements/versions')
    expect(status).toBe(403)
    expect(text).not.toContain('Unreleased correction')
  })

  it('refuses subscribers and users with 403 and no personal data', async () => {
    for (const path of ['/api/subscribers', '/api/users', `/api/subscribers?where[email][equals]=${subscriberEmail}`]) {
      const { status, text } = await rest('GET', path)
      expect(status).toBe(403)
      expect(text).not.toContain('@example.org')
    }
  })

  it('does not expose who wrote an item', async () => {
    const { json } = await rest('GET', `/api/announcements/${published.id}`)
    expect(json).not.toHaveProperty('createdBy')
  })

  it('cannot create an announcement', async () => {
    const { status } = await rest('POST', '/api/announcements', { json: { title: 'Spam', summary: 'x', _status: 'published' } })
    expect(status).toBe(403)
    expect((await payload.count({ collection: 'announcements', where: { title: { equals: 'Spam' } } })).totalDocs).toBe(0)
  })
})

describe('anonymous GraphQL', () => {
  it('returns published announcements only, even when asking for drafts', async () => {
    for (const [args, expected] of [['', [published.id]], ['(draft: true)', []]] as const) {
      const { text } = await graphql(`{ Announcements${args} { docs { id title _status } } }`)
      const parsed = JSON.parse(text) as { data: { Announcements: { docs: { id: number; _status: string }[] } } }
      expect(parsed.data.Announcements.docs.map((doc) => doc.id)).toEqual(expected)
      expect(text).not.toContain('Embargoed draft')
      expect(text).not.toContain('Unreleased correction')
    }
  })

  it('refuses subscribers and users', async () => {
    for (const query of ['{ Subscribers { docs { email } } }', '{ Users { docs { email } } }']) {
      const { text } = await graphql(query)
      expect(text).not.toContain('@example.org')
      expect(JSON.parse(text)).toHaveProperty('errors')
    }
  })
})
