/** Importing an existing list from a CSV file in the admin: checked row by row, consent recorded, no email unless asked. */
import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { Subscriber, Topic } from '@/payload-types'

import { startMailSink, type MailSink } from '../../dev/mail-sink/sendgrid-sink'
import { authHeaders, createUser } from '../helpers/content'
import { csvFile, pngFile } from '../helpers/files'
import { waitFor } from '../helpers/log-file'
import { startTestPipeline, type TestPipeline } from '../helpers/pipeline'
import { rest } from '../helpers/rest'

const API_KEY = 'SG.import-test'
let ctx: TestPipeline
let payload: Payload
let sink: MailSink
let housing: Topic
let food: Topic

beforeAll(async () => {
  sink = await startMailSink({ apiKey: API_KEY })
  ctx = await startTestPipeline({ DELIVERY_CHANNELS: 'log', SENDGRID_API_KEY: API_KEY, SENDGRID_BASE_URL: sink.url, PUBLIC_URL: 'https://news.example.org', CONFIRMATION_SWEEP_MS: '300' })
  payload = ctx.payload
  await payload.updateGlobal({ slug: 'site', data: { organisationName: 'Northfield Food Network', senderEmail: 'alerts@example.org' } })
  housing = await payload.create({ collection: 'topics', data: { name: 'Housing' } })
  food = await payload.create({ collection: 'topics', data: { name: 'Food' } })
})
afterAll(async () => {
  await ctx?.stop()
  await sink?.close()
})

const subscriber = async (email: string): Promise<Subscriber | undefined> =>
  (await payload.find({ collection: 'subscribers', where: { email: { equals: email } }, depth: 0, limit: 1 })).docs[0]

describe('an import of a list whose consent the organisation holds', () => {
  it('adds the good rows as confirmed with the import as their consent source, reports every rejected row, and emails nobody', async () => {
    await payload.create({ collection: 'subscribers', data: { email: 'already@example.org', status: 'confirmed' } })
    await payload.create({ collection: 'subscribers', data: { email: 'left@example.org', status: 'unsubscribed' } })
    const sentBefore = sink.messages.length
    const csv = [
      'Email,Topics,Urgent only,Consented at,Phone',
      'ann@example.org,housing,no,2025-06-01,0123',
      'bob@example.org,,yes,,',
      'already@example.org,,,,',
      'left@example.org,,,,',
      'nonsense,,,,',
      'ann@example.org,,,,',
      'cat@example.org,gardening,,,',
    ].join('\n')
    const imported = await payload.create({
      collection: 'subscriber-imports',
      data: { consentSource: 'Sign-up sheets at the 2026 annual forum', wordingVersion: 'paper-2026', topics: [food.id] },
      file: csvFile(csv),
    })
    expect(imported.report).toMatchObject({
      summary: '7 rows read, 2 added (confirmed, no email sent), 1 already on the list (left as they were), 4 rejected',
      rowsRead: 7,
      added: 2,
      alreadySubscribed: 1,
      rejected: 4,
      ignoredColumns: 'Phone',
      rejectedRows: [
        { line: 5, email: 'left@example.org', reason: 'this address left the list (unsubscribed); an import never re-subscribes a person who left' },
        { line: 6, email: 'nonsense', reason: 'not a valid email address' },
        { line: 7, email: 'ann@example.org', reason: 'the same address is on line 2' },
        { line: 8, email: 'cat@example.org', reason: 'there is no topic "gardening"' },
      ],
    })

    const ann = await subscriber('ann@example.org')
    expect(ann).toMatchObject({ status: 'confirmed', urgentOnly: false, topics: [housing.id], consent: { source: 'import', wordingVersion: 'paper-2026', givenAt: '2025-06-01T00:00:00.000Z', import: imported.id } })
    expect(ann!.confirmedAt).toBeTruthy()
    const bob = await subscriber('bob@example.org')
    expect(bob).toMatchObject({ status: 'confirmed', urgentOnly: true, topics: [food.id], consent: { source: 'import', givenAt: null, import: imported.id } })
    expect((await subscriber('left@example.org'))!.status).toBe('unsubscribed')

    await new Promise((resolve) => setTimeout(resolve, 1_000)) // several confirmation sweeps
    expect(sink.messages.length).toBe(sentBefore)
  })

  it('refuses a file it cannot read with a clear 400 and stores nothing', async () => {
    const before = { imports: (await payload.count({ collection: 'subscriber-imports' })).totalDocs, subscribers: (await payload.count({ collection: 'subscribers' })).totalDocs }
    const attempts = [
      { file: csvFile('name,phone\nAnn,0123\nzed@example.org,1\n'), message: 'The header row has no "email" column (it has: "name", "phone").' },
      { file: csvFile('email\n"zed@example.org\n'), message: /^The file is not a readable CSV file: / },
      { file: { ...csvFile(''), data: Buffer.from([0x65, 0x6d, 0x61, 0x69, 0x6c, 0x0a, 0xff, 0xfe, 0x40, 0x0a]) }, message: /is not UTF-8 text/ },
    ]
    for (const attempt of attempts) {
      const error = await payload.create({ collection: 'subscriber-imports', data: { consentSource: 'x' }, file: attempt.file }).then(
        () => undefined,
        (caught: unknown) => caught as { status?: number; message: string },
      )
      expect(error?.status).toBe(400)
      expect(error?.message).toMatch(attempt.message)
    }
    expect((await payload.count({ collection: 'subscriber-imports' })).totalDocs).toBe(before.imports)
    expect((await payload.count({ collection: 'subscribers' })).totalDocs).toBe(before.subscribers)
  })

  it('takes the file as the admin uploads it (multipart), and refuses a file that is not text', async () => {
    const headers = await authHeaders(payload, await createUser(payload, 'admin', 'import-admin@example.org'))
    const upload = (file: Blob, name: string) => {
      const form = new FormData()
      form.append('file', file, name)
      form.append('_payload', JSON.stringify({ consentSource: 'Exported from our old mailing tool' }))
      return rest('POST', '/api/subscriber-imports', { body: form, headers })
    }
    const created = await upload(new Blob(['email\nmultipart@example.org\n'], { type: 'text/csv' }), 'export.csv')
    expect(created.status).toBe(201)
    expect((created.json!.doc as { report: { added: number } }).report.added).toBe(1)
    const png = await pngFile()
    const refused = await upload(new Blob([new Uint8Array(png.data)], { type: 'image/png' }), 'list.csv')
    expect(refused.status).toBe(400)
    expect(await subscriber('multipart@example.org')).toMatchObject({ status: 'confirmed', consent: { source: 'import' } })
  })

  it('is for admins only, and an editor reads the report but cannot change it', async () => {
    const headers = await authHeaders(payload, await createUser(payload, 'editor', 'import-editor@example.org'))
    const list = await rest('GET', '/api/subscriber-imports', { headers })
    expect(list.status).toBe(200)
    expect((list.json!.docs as { report: { added: number } }[])[0]!.report.added).toBeGreaterThan(0)
    expect((await rest('GET', '/api/subscriber-imports')).status).toBe(403)
  })
})

describe('an import that asks people to confirm', () => {
  it('adds them pending and sends each one confirmation link, which confirms them', async () => {
    const csv = `email\n${Array.from({ length: 1500 }, (_, n) => `ask-${n}@example.net`).join('\n')}\n`
    const imported = await payload.create({ collection: 'subscriber-imports', data: { consentSource: 'Old newsletter list', sendConfirmation: true }, file: csvFile(csv) })
    expect(imported.report?.summary).toBe('1,500 rows read, 1,500 added (pending: each gets one confirmation email), 0 already on the list (left as they were), 0 rejected')
    const asked = () => sink.messages.filter((message) => message.to.startsWith('ask-'))
    await waitFor(() => asked().length >= 1500, 20_000, 'the confirmation emails')
    await new Promise((resolve) => setTimeout(resolve, 1_000)) // later sweeps send nothing more
    expect(asked()).toHaveLength(1500)
    expect(new Set(asked().map((message) => message.to)).size).toBe(1500)
    const message = asked().find((candidate) => candidate.to === 'ask-7@example.net')!
    expect(message.subject).toBe('Confirm your alerts from Northfield Food Network')
    const link = /(https:\/\/news\.example\.org\/api\/subscribers\/confirm\?token=\S+)/.exec(message.text ?? '')![1]!
    expect(message.html).toContain(`href="${link}"`)
    expect((await subscriber('ask-7@example.net'))!.status).toBe('pending')
    // The link opens a page with a Confirm button; its POST confirms.
    const opened = await rest('GET', link.replace('https://news.example.org', ''))
    expect(opened.text).toContain('<button type="submit">Confirm</button>')
    expect(await subscriber('ask-7@example.net')).toMatchObject({ status: 'pending' })
    const confirmed = await rest('POST', link.replace('https://news.example.org', ''))
    expect(confirmed.status).toBe(200)
    expect(await subscriber('ask-7@example.net')).toMatchObject({ status: 'confirmed', consent: { source: 'import', import: imported.id } })
  })
})
