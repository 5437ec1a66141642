/** The content model's rules: slugs, publication time, expiry, uploads, subscribers, the first account. */
import { APIError, ValidationError, type Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { authHeaders, body, createItem, createUser } from '../helpers/content'
import { pdfFile, pngFile } from '../helpers/files'
import { startTestPayload, type TestPayload } from '../helpers/payload'
import { rest } from '../helpers/rest'

let ctx: TestPayload
let payload: Payload

beforeAll(async () => {
  ctx = await startTestPayload()
  payload = ctx.payload
})
afterAll(async () => {
  await ctx?.stop()
})

const validationMessages = async (attempt: Promise<unknown>) => {
  const error = await attempt.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(ValidationError)
  return (error as ValidationError).data.errors.map((entry) => `${entry.path}: ${entry.message}`)
}

describe('the first account', () => {
  it('is an admin whatever role it asked for; later ones default to author', async () => {
    const first = await payload.create({ collection: 'users', data: { email: 'first@example.org', password: 'a-long-test-password', role: 'author' } })
    expect(first.role).toBe('admin')
    const second = await payload.create({ collection: 'users', data: { email: 'second@example.org', password: 'a-long-test-password' } as never })
    expect(second.role).toBe('author')
  })
})

describe('slugs', () => {
  it('are generated from the title, and de-duplicated rather than failing', async () => {
    const a = await createItem(payload, 'announcements', { title: 'Statement on the winter budget' })
    const b = await createItem(payload, 'announcements', { title: 'Statement on the winter budget' })
    expect(a.slug).toBe('statement-on-the-winter-budget')
    expect(b.slug).toBe('statement-on-the-winter-budget-2')
  })

  it('can change before the first publish and are frozen after it', async () => {
    const item = await createItem(payload, 'announcements', { title: 'Draft title' })
    const renamed = await payload.update({ collection: 'announcements', id: item.id, draft: true, data: { slug: 'better-slug' } })
    expect(renamed.slug).toBe('better-slug')

    await payload.update({ collection: 'announcements', id: item.id, data: { _status: 'published' } })
    for (const draft of [false, true]) {
      const messages = await validationMessages(payload.update({ collection: 'announcements', id: item.id, draft, data: { slug: 'changed-after' } }))
      expect(messages).toEqual(['slug: The slug cannot change after the item was first published: links to "better-slug" are already out.'])
    }
    const stored = await payload.findByID({ collection: 'announcements', id: item.id })
    expect(stored.slug).toBe('better-slug')
  })

  it('spell titles in any script in Latin letters, and give one no transliteration spells a short id', async () => {
    const mixed = await createItem(payload, 'announcements', { title: 'R&D <script>alert(1)</script> "quotes" ]]> — émoji 🚨 العربية' })
    expect(mixed.slug).toBe('r-and-d-script-alert-1-script-quotes-emoji-alerbyt')
    expect((await createItem(payload, 'reports', { title: 'Продовольственный банк' })).slug).toBe('prodovolstvenniy-bank')
    const chinese = await createItem(payload, 'announcements', { title: '北京的食物银行' })
    expect(chinese.slug).toMatch(/^[0-9a-f]{8}$/)
    expect((await createItem(payload, 'announcements', { title: '北京的食物银行' })).slug).toBe(`${chinese.slug}-2`)
  })

  it('refuse a change after publication through the API with the reason, and change nothing else of that save', async () => {
    const editor = await createUser(payload, 'editor')
    const item = await createItem(payload, 'announcements', { title: 'Published title', status: 'published' })
    const response = await rest('PATCH', `/api/announcements/${item.id}`, {
      json: { title: 'New title in the same save', slug: 'new-slug', _status: 'published' },
      headers: await authHeaders(payload, editor),
    })
    expect(response.status).toBe(400)
    expect(JSON.stringify(response.json)).toContain('The slug cannot change after the item was first published: links to \\"published-title\\" are already out.')
    expect(await payload.findByID({ collection: 'announcements', id: item.id })).toMatchObject({ title: 'Published title', slug: 'published-title' })
  })

  it('stay when the title is corrected after publication', async () => {
    const item = await createItem(payload, 'reports', { title: 'Original report title', status: 'published' })
    const corrected = await payload.update({ collection: 'reports', id: item.id, data: { title: 'Corrected report title' } })
    expect(corrected.slug).toBe('original-report-title')
  })
})

describe('titles, summaries and topic names', () => {
  it('are saved without control characters, which no reader sees and each output would treat its own way; a title is one line', async () => {
    const item = await payload.create({
      collection: 'announcements',
      data: { title: 'Bell\u0007 escape\u001b NUL\u0000 and\r\na\tbreak \u0085\uD800🚨', summary: 'Line one\nline two\u0007\u009f.', body, urgency: 'standard' },
      draft: true,
    })
    expect(item.title).toBe('Bell escape NUL and a break 🚨')
    expect(item.summary).toBe('Line one\nline two.')
    const topic = await payload.create({ collection: 'topics', data: { name: 'Food\u0000 banks\nnorth' } })
    expect(topic.name).toBe('Food banks north')
  })
})

describe('publishedAt', () => {
  it('is stamped on the first publish and kept through corrections and re-publishing', async () => {
    const item = await createItem(payload, 'announcements')
    expect(item.publishedAt).toBeFalsy()
    const published = await payload.update({ collection: 'announcements', id: item.id, data: { _status: 'published' } })
    expect(published.publishedAt).toEqual(expect.any(String))
    await payload.update({ collection: 'announcements', id: item.id, data: { _status: 'draft' } })
    const again = await payload.update({ collection: 'announcements', id: item.id, data: { _status: 'published', summary: 'Corrected.' } })
    expect(again.publishedAt).toBe(published.publishedAt)
  })
})

describe('announcements', () => {
  it('go to every channel unless staff switch one off', async () => {
    const item = await payload.create({ collection: 'announcements', data: { title: 'Channels', summary: 'S', body, urgency: 'standard' } })
    expect(item.channels).toEqual({ feed: true, email: true, social: true })
  })

  it('refuse an expiry before publication', async () => {
    const item = await createItem(payload, 'announcements', { status: 'published' })
    const messages = await validationMessages(
      payload.update({ collection: 'announcements', id: item.id, data: { expiresAt: '2000-01-01T00:00:00.000Z' } }),
    )
    expect(messages).toEqual(['expiresAt: The expiry must be after the time the announcement was first published.'])
  })

  it('refuse a summary too long for a social post', async () => {
    const messages = await validationMessages(
      payload.create({ collection: 'announcements', data: { title: 'Long', summary: 'x'.repeat(281), body, urgency: 'standard', _status: 'published' } }),
    )
    expect(messages).toHaveLength(1)
    expect(messages[0]).toMatch(/^summary: .*280/)
  })
})

describe('uploads', () => {
  it('require alt text on images', async () => {
    const messages = await validationMessages(payload.create({ collection: 'media', data: {} as never, file: await pngFile() }))
    expect(messages).toEqual(['alt: This field is required.'])
  })

  it('accept only images as media and only PDFs as documents, by content', async () => {
    const before = await Promise.all([payload.count({ collection: 'media' }), payload.count({ collection: 'documents' })])
    const pdfAsPng = { ...pdfFile('not-an-image.png'), mimetype: 'image/png' }
    const pngAsPdf = { ...(await pngFile('not-a-report.pdf')), mimetype: 'application/pdf' }
    expect(await validationMessages(payload.create({ collection: 'media', data: { alt: 'x' }, file: pdfAsPng }))).toEqual(['file: Invalid MIME type: application/pdf.'])
    expect(await validationMessages(payload.create({ collection: 'documents', data: { title: 'x' }, file: pngAsPdf }))).toEqual(['file: Invalid MIME type: image/png.'])
    const after = await Promise.all([payload.count({ collection: 'media' }), payload.count({ collection: 'documents' })])
    expect(after).toEqual(before)
  })

  it('refuse an image over 10 MB with a 413 that gives both sizes', async () => {
    const big = Buffer.alloc(11 * 1024 * 1024)
    const error = await payload
      .create({ collection: 'media', data: { alt: 'x' }, file: { data: big, mimetype: 'image/png', name: 'big.png', size: big.length } })
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(APIError)
    expect((error as APIError).status).toBe(413)
    expect((error as APIError).message).toBe('This file is 11.0 MB; an image may be at most 10 MB.')
  })
})

describe('subscribers', () => {
  it('are stored by their normalised address, once', async () => {
    const subscriber = await payload.create({ collection: 'subscribers', data: { email: '  Ann.Example@Example.ORG ', status: 'pending' } })
    expect(subscriber.email).toBe('ann.example@example.org')
    expect(subscriber.status).toBe('pending')
    await expect(payload.create({ collection: 'subscribers', data: { email: 'ann.example@example.org', status: 'pending' } })).rejects.toBeInstanceOf(ValidationError)
  })
})
