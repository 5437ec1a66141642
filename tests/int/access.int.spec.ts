/**
 * Every role × collection × operation cell of the access rules, through the Local API with
 * `overrideAccess: false`, as the REST and GraphQL APIs apply them. The README's access table is this
 * table for people: change both together.
 */
import { randomUUID } from 'node:crypto'

import { Forbidden, NotFound, ValidationError, type Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { Report, User } from '@/payload-types'

import { body, createItem, createUser } from '../helpers/content'
import { csvFile, pdfFile, pngFile } from '../helpers/files'
import { startTestPayload, type TestPayload } from '../helpers/payload'

type Who = 'anonymous' | 'author' | 'editor' | 'admin'
const EVERYONE: Who[] = ['anonymous', 'author', 'editor', 'admin']
const STAFF: Who[] = ['author', 'editor', 'admin']
const EDITORS: Who[] = ['editor', 'admin']
const ADMINS: Who[] = ['admin']

/** A denial that did not throw: the operation ran but the caller saw or changed nothing. */
class NotVisible extends Error {}

type Actor = { user: User | undefined; as: { user?: User; overrideAccess: false } }
type Cell = { collection: string; operation: string; allowed: Who[]; attempt: (actor: Actor) => Promise<unknown> }

let ctx: TestPayload
let payload: Payload
const users = {} as Record<Exclude<Who, 'anonymous'>, User> & { otherAuthor: User }

const actorFor = (who: Who): Actor => {
  const user = who === 'anonymous' ? undefined : users[who]
  return { user, as: { user, overrideAccess: false } }
}

const mustSee = (docs: unknown[]) => {
  if (docs.length === 0) throw new NotVisible('nothing returned')
}

const contentCells = (collection: 'announcements' | 'reports'): Cell[] => {
  const own = (status: 'draft' | 'published' = 'draft') => createItem(payload, collection, { owner: users.author, status })
  const extra = async () =>
    collection === 'reports'
      ? { reportFile: (await payload.create({ collection: 'documents', data: { title: 'PDF' }, file: pdfFile() })).id }
      : { urgency: 'standard' as const }
  return [
    {
      collection,
      operation: 'read a published item',
      allowed: EVERYONE,
      attempt: async ({ as }) => payload.findByID({ collection, id: (await own('published')).id, ...as }),
    },
    {
      collection,
      operation: 'read a draft',
      allowed: STAFF,
      attempt: async ({ as }) => {
        const item = await createItem(payload, collection, { owner: users.otherAuthor })
        return payload.findByID({ collection, id: item.id, draft: true, ...as })
      },
    },
    {
      collection,
      operation: 'list drafts (draft=true)',
      allowed: STAFF,
      attempt: async ({ as }) => {
        const item = await own()
        const { docs } = await payload.find({ collection, draft: true, where: { id: { equals: item.id } }, ...as })
        mustSee(docs)
      },
    },
    {
      collection,
      operation: 'read versions',
      allowed: STAFF,
      attempt: async ({ as }) => {
        const item = await own()
        const { docs } = await payload.findVersions({ collection, where: { parent: { equals: item.id } }, ...as })
        mustSee(docs)
      },
    },
    {
      collection,
      operation: 'create a draft',
      allowed: STAFF,
      attempt: async ({ as }) =>
        payload.create({ collection, draft: true, data: { title: 'New', summary: 'S', body, _status: 'draft', ...(await extra()) }, ...as } as never),
    },
    {
      collection,
      operation: 'create it published',
      allowed: EDITORS,
      attempt: async ({ as }) =>
        payload.create({ collection, data: { title: 'Live', summary: 'S', body, _status: 'published', ...(await extra()) }, ...as } as never),
    },
    {
      collection,
      operation: "edit the author's own draft",
      allowed: STAFF,
      attempt: async ({ as }) => payload.update({ collection, id: (await own()).id, draft: true, data: { summary: 'Edited' }, ...as }),
    },
    {
      collection,
      operation: "edit another author's draft",
      allowed: EDITORS,
      attempt: async ({ as }) => {
        const item = await createItem(payload, collection, { owner: users.otherAuthor })
        return payload.update({ collection, id: item.id, draft: true, data: { summary: 'Edited' }, ...as })
      },
    },
    {
      collection,
      operation: "publish the author's own draft",
      allowed: EDITORS,
      attempt: async ({ as }) => payload.update({ collection, id: (await own()).id, data: { _status: 'published' }, ...as }),
    },
    {
      collection,
      operation: 'edit a published item',
      allowed: EDITORS,
      attempt: async ({ as }) => payload.update({ collection, id: (await own('published')).id, data: { summary: 'Corrected' }, ...as }),
    },
    {
      collection,
      operation: 'unpublish (retract)',
      allowed: EDITORS,
      attempt: async ({ as }) => payload.update({ collection, id: (await own('published')).id, data: { _status: 'draft' }, ...as }),
    },
    {
      collection,
      operation: "delete the author's own draft",
      allowed: STAFF,
      attempt: async ({ as }) => payload.delete({ collection, id: (await own()).id, ...as }),
    },
    {
      collection,
      operation: 'delete a published item',
      allowed: EDITORS,
      attempt: async ({ as }) => payload.delete({ collection, id: (await own('published')).id, ...as }),
    },
  ]
}

const topicCells = (): Cell[] => {
  const topic = () => payload.create({ collection: 'topics', data: { name: `Topic ${Math.random()}` } })
  return [
    { collection: 'topics', operation: 'read', allowed: EVERYONE, attempt: async ({ as }) => payload.findByID({ collection: 'topics', id: (await topic()).id, ...as }) },
    { collection: 'topics', operation: 'create', allowed: EDITORS, attempt: ({ as }) => payload.create({ collection: 'topics', data: { name: 'New topic' }, ...as }) },
    { collection: 'topics', operation: 'update', allowed: EDITORS, attempt: async ({ as }) => payload.update({ collection: 'topics', id: (await topic()).id, data: { description: 'x' }, ...as }) },
    { collection: 'topics', operation: 'delete', allowed: EDITORS, attempt: async ({ as }) => payload.delete({ collection: 'topics', id: (await topic()).id, ...as }) },
  ]
}

const uploadCells = (collection: 'media' | 'documents'): Cell[] => {
  const upload = async () =>
    collection === 'media'
      ? payload.create({ collection, data: { alt: 'A green square' }, file: await pngFile() })
      : payload.create({ collection, data: { title: 'A PDF' }, file: pdfFile() })
  return [
    ...(collection === 'media'
      ? [
          { collection, operation: 'read an image', allowed: EVERYONE, attempt: async ({ as }: Actor) => payload.findByID({ collection, id: (await upload()).id, ...as }) },
          {
            collection,
            operation: "read a draft's hero image (embargoed)",
            allowed: STAFF,
            attempt: async ({ as }: Actor) => {
              const image = await upload()
              await payload.create({ collection: 'announcements', data: { title: 'Embargoed', summary: 's', body, urgency: 'standard', heroImage: image.id, _status: 'draft' }, draft: true })
              return payload.findByID({ collection, id: image.id, ...as })
            },
          },
        ]
      : [
          {
            collection,
            operation: "read a published report's PDF",
            allowed: EVERYONE,
            attempt: async ({ as }: Actor) => {
              const report = (await createItem(payload, 'reports', { status: 'published' })) as Report
              return payload.findByID({ collection, id: typeof report.reportFile === 'object' ? report.reportFile.id : report.reportFile, ...as })
            },
          },
          {
            collection,
            operation: "read a draft report's PDF (embargoed), or one no report uses",
            allowed: STAFF,
            attempt: async ({ as }: Actor) => {
              const report = (await createItem(payload, 'reports', { status: 'draft' })) as Report
              await payload.findByID({ collection, id: typeof report.reportFile === 'object' ? report.reportFile.id : report.reportFile, ...as })
              return payload.findByID({ collection, id: (await upload()).id, ...as })
            },
          },
        ]),
    {
      collection,
      operation: 'upload',
      allowed: STAFF,
      attempt: async ({ as }) =>
        collection === 'media'
          ? payload.create({ collection, data: { alt: 'Alt' }, file: await pngFile(), ...as })
          : payload.create({ collection, data: { title: 'T' }, file: pdfFile(), ...as }),
    },
    {
      collection,
      operation: 'update',
      allowed: STAFF,
      attempt: async ({ as }) =>
        collection === 'media'
          ? payload.update({ collection, id: (await upload()).id, data: { alt: 'New alt' }, ...as })
          : payload.update({ collection, id: (await upload()).id, data: { title: 'New title' }, ...as }),
    },
    { collection, operation: 'delete', allowed: EDITORS, attempt: async ({ as }) => payload.delete({ collection, id: (await upload()).id, ...as }) },
  ]
}

const subscriberCells = (): Cell[] => {
  const subscriber = () => payload.create({ collection: 'subscribers', data: { email: `s${Math.random()}@example.org`, status: 'confirmed' } })
  return [
    {
      collection: 'subscribers',
      operation: 'list',
      allowed: EDITORS,
      attempt: async ({ as }) => {
        await subscriber()
        mustSee((await payload.find({ collection: 'subscribers', ...as })).docs)
      },
    },
    {
      collection: 'subscribers',
      operation: 'create',
      allowed: ADMINS,
      attempt: ({ as }) => payload.create({ collection: 'subscribers', data: { email: `n${Math.random()}@example.org`, status: 'pending' }, ...as }),
    },
    {
      collection: 'subscribers',
      operation: 'update',
      allowed: ADMINS,
      attempt: async ({ as }) => payload.update({ collection: 'subscribers', id: (await subscriber()).id, data: { urgentOnly: true }, ...as }),
    },
    { collection: 'subscribers', operation: 'delete', allowed: ADMINS, attempt: async ({ as }) => payload.delete({ collection: 'subscribers', id: (await subscriber()).id, ...as }) },
  ]
}

const userCells = (): Cell[] => [
  {
    collection: 'users',
    operation: 'list',
    allowed: STAFF,
    attempt: async ({ as }) => mustSee((await payload.find({ collection: 'users', ...as })).docs),
  },
  {
    collection: 'users',
    operation: 'create',
    allowed: ADMINS,
    attempt: ({ as }) => payload.create({ collection: 'users', data: { email: `u${Math.random()}@example.org`, password: 'a-long-test-password', role: 'author' }, ...as }),
  },
  {
    collection: 'users',
    operation: 'update their own name',
    allowed: STAFF,
    attempt: async ({ user, as }) => {
      if (!user) throw new NotVisible('no account')
      return payload.update({ collection: 'users', id: user.id, data: { name: 'Renamed' }, ...as })
    },
  },
  {
    collection: 'users',
    operation: 'change their own role',
    allowed: ADMINS,
    attempt: async ({ user, as }) => {
      if (!user) throw new NotVisible('no account')
      const target = user.role === 'editor' ? 'author' : 'editor'
      const updated = await payload.update({ collection: 'users', id: user.id, data: { role: target }, ...as })
      if (updated.role !== target) throw new NotVisible('role unchanged')
      // Put it back so later cells act as the role they are named for.
      await payload.update({ collection: 'users', id: user.id, data: { role: user.role } })
    },
  },
  {
    collection: 'users',
    operation: "update another user's account",
    allowed: ADMINS,
    attempt: async ({ as }) => payload.update({ collection: 'users', id: (await createUser(payload, 'author')).id, data: { name: 'X' }, ...as }),
  },
  {
    collection: 'users',
    operation: 'delete another user',
    allowed: ADMINS,
    attempt: async ({ as }) => payload.delete({ collection: 'users', id: (await createUser(payload, 'author')).id, ...as }),
  },
]

const siteCells = (): Cell[] => [
  { collection: 'site (global)', operation: 'read', allowed: EVERYONE, attempt: ({ as }) => payload.findGlobal({ slug: 'site', ...as }) },
  { collection: 'site (global)', operation: 'update', allowed: ADMINS, attempt: ({ as }) => payload.updateGlobal({ slug: 'site', data: { organisationName: 'Renamed' }, ...as }) },
]

/** The collections only the system writes: the outbox, the delivery ledger, the built feeds, the email campaigns and events. */
const systemCells = (): Cell[] => {
  const event = async () => {
    const item = await createItem(payload, 'announcements', { status: 'published' })
    const { docs } = await payload.find({ collection: 'outbox-events', where: { itemId: { equals: String(item.id) } }, limit: 1 })
    return docs[0]!
  }
  const delivery = async () => {
    const outbox = await event()
    return payload.create({
      collection: 'deliveries',
      data: { event: outbox.id, collection: 'announcements', itemId: outbox.itemId, channel: 'log', unitKey: `access-${Math.random()}`, urgency: 'standard', state: 'pending', attempts: 0 },
    })
  }
  const feed = () => payload.create({ collection: 'feeds', data: { scope: `access-${Math.random()}`, title: 'A feed' } })
  const campaignData = async () => ({
    event: (await event()).id,
    collection: 'announcements' as const,
    itemId: '1',
    subject: 'A campaign',
    kind: 'alert' as const,
    urgency: 'standard' as const,
    snapshotAt: new Date().toISOString(),
    recipients: 1,
    batches: [],
  })
  const emailEventData = () => ({ sgEventId: `access-${Math.random()}`, type: 'delivered' as const, at: new Date().toISOString() })
  const emailEvent = () => payload.create({ collection: 'email-events', data: emailEventData() })
  const campaign = async () => payload.create({ collection: 'campaigns', data: await campaignData() })
  return [
    { collection: 'outbox-events', operation: 'read', allowed: EDITORS, attempt: async ({ as }) => payload.findByID({ collection: 'outbox-events', id: (await event()).id, ...as }) },
    {
      collection: 'outbox-events',
      operation: 'create',
      allowed: [],
      attempt: ({ as }) =>
        payload.create({ collection: 'outbox-events', data: { uid: randomUUID(), kind: 'publish', collection: 'announcements', itemId: '1', versionId: '1', urgency: 'urgent', dedupeKey: `forged-${Math.random()}`, generation: 0 }, ...as }),
    },
    { collection: 'outbox-events', operation: 'update', allowed: [], attempt: async ({ as }) => payload.update({ collection: 'outbox-events', id: (await event()).id, data: { dispatchedAt: null }, ...as }) },
    { collection: 'outbox-events', operation: 'delete', allowed: [], attempt: async ({ as }) => payload.delete({ collection: 'outbox-events', id: (await event()).id, ...as }) },
    { collection: 'deliveries', operation: 'read', allowed: STAFF, attempt: async ({ as }) => payload.findByID({ collection: 'deliveries', id: (await delivery()).id, ...as }) },
    {
      collection: 'deliveries',
      operation: 'create',
      allowed: [],
      attempt: async ({ as }) =>
        payload.create({ collection: 'deliveries', data: { event: (await event()).id, collection: 'announcements', itemId: '1', channel: 'log', unitKey: `forged-${Math.random()}`, urgency: 'standard', state: 'pending', attempts: 0 }, ...as }),
    },
    { collection: 'deliveries', operation: 'update', allowed: [], attempt: async ({ as }) => payload.update({ collection: 'deliveries', id: (await delivery()).id, data: { state: 'sent' }, ...as }) },
    { collection: 'deliveries', operation: 'delete', allowed: [], attempt: async ({ as }) => payload.delete({ collection: 'deliveries', id: (await delivery()).id, ...as }) },
    { collection: 'feeds', operation: 'read', allowed: STAFF, attempt: async ({ as }) => payload.findByID({ collection: 'feeds', id: (await feed()).id, ...as }) },
    { collection: 'feeds', operation: 'create', allowed: [], attempt: ({ as }) => payload.create({ collection: 'feeds', data: { scope: `forged-${Math.random()}`, title: 'Forged' }, ...as }) },
    { collection: 'feeds', operation: 'update', allowed: [], attempt: async ({ as }) => payload.update({ collection: 'feeds', id: (await feed()).id, data: { rss: '<rss/>' }, ...as }) },
    { collection: 'feeds', operation: 'delete', allowed: [], attempt: async ({ as }) => payload.delete({ collection: 'feeds', id: (await feed()).id, ...as }) },
    { collection: 'campaigns', operation: 'read', allowed: EDITORS, attempt: async ({ as }) => payload.findByID({ collection: 'campaigns', id: (await campaign()).id, ...as }) },
    { collection: 'campaigns', operation: 'create', allowed: [], attempt: async ({ as }) => payload.create({ collection: 'campaigns', data: await campaignData(), ...as }) },
    { collection: 'campaigns', operation: 'update', allowed: [], attempt: async ({ as }) => payload.update({ collection: 'campaigns', id: (await campaign()).id, data: { recipients: 0 }, ...as }) },
    { collection: 'campaigns', operation: 'delete', allowed: [], attempt: async ({ as }) => payload.delete({ collection: 'campaigns', id: (await campaign()).id, ...as }) },
    { collection: 'email-events', operation: 'read', allowed: EDITORS, attempt: async ({ as }) => payload.findByID({ collection: 'email-events', id: (await emailEvent()).id, ...as }) },
    { collection: 'email-events', operation: 'create', allowed: [], attempt: ({ as }) => payload.create({ collection: 'email-events', data: emailEventData(), ...as }) },
    { collection: 'email-events', operation: 'update', allowed: [], attempt: async ({ as }) => payload.update({ collection: 'email-events', id: (await emailEvent()).id, data: { reason: 'x' }, ...as }) },
    { collection: 'email-events', operation: 'delete', allowed: [], attempt: async ({ as }) => payload.delete({ collection: 'email-events', id: (await emailEvent()).id, ...as }) },
  ]
}

/** Imports of subscriber lists: personal data in, so admins import and editors read the reports. */
const importCells = (): Cell[] => {
  const data = { consentSource: 'Sign-up sheets' }
  const list = () => csvFile(`email\naccess-${Math.random().toString(36).slice(2)}@example.net\n`)
  const imported = () => payload.create({ collection: 'subscriber-imports', data, file: list() })
  return [
    { collection: 'subscriber-imports', operation: 'read', allowed: EDITORS, attempt: async ({ as }) => payload.findByID({ collection: 'subscriber-imports', id: (await imported()).id, ...as }) },
    { collection: 'subscriber-imports', operation: 'create', allowed: ADMINS, attempt: ({ as }) => payload.create({ collection: 'subscriber-imports', data, file: list(), ...as }) },
    { collection: 'subscriber-imports', operation: 'update', allowed: [], attempt: async ({ as }) => payload.update({ collection: 'subscriber-imports', id: (await imported()).id, data: { consentSource: 'Changed' }, ...as }) },
    { collection: 'subscriber-imports', operation: 'delete', allowed: ADMINS, attempt: async ({ as }) => payload.delete({ collection: 'subscriber-imports', id: (await imported()).id, ...as }) },
  ]
}

/** Social accounts hold credentials: admins only, for everything. */
const accountCells = (): Cell[] => {
  const data = { network: 'mastodon' as const, displayName: 'An account', baseUrl: 'https://mastodon.example', secret: 'a-token', schedule: { timeZone: 'UTC', slots: [] } }
  const account = () => payload.create({ collection: 'accounts', data })
  return [
    { collection: 'accounts', operation: 'read', allowed: ADMINS, attempt: async ({ as }) => payload.findByID({ collection: 'accounts', id: (await account()).id, ...as }) },
    { collection: 'accounts', operation: 'create', allowed: ADMINS, attempt: ({ as }) => payload.create({ collection: 'accounts', data, ...as }) },
    { collection: 'accounts', operation: 'update', allowed: ADMINS, attempt: async ({ as }) => payload.update({ collection: 'accounts', id: (await account()).id, data: { displayName: 'Renamed' }, ...as }) },
    { collection: 'accounts', operation: 'delete', allowed: ADMINS, attempt: async ({ as }) => payload.delete({ collection: 'accounts', id: (await account()).id, ...as }) },
  ]
}

/** Social posts: staff review them, editors and admins change or cancel them, only the system creates or removes one. */
const socialPostCells = (): Cell[] => {
  const post = async () => {
    const item = await createItem(payload, 'announcements', { status: 'published' })
    const { docs } = await payload.find({ collection: 'outbox-events', where: { itemId: { equals: String(item.id) } }, limit: 1 })
    const unitKey = `access-${Math.random()}`
    const delivery = await payload.create({ collection: 'deliveries', data: { event: docs[0]!.id, collection: 'announcements', itemId: String(item.id), channel: 'social', unitKey, urgency: 'standard', state: 'pending', attempts: 0 } })
    const account = await payload.create({ collection: 'accounts', data: { network: 'mastodon', displayName: 'Access', baseUrl: 'https://mastodon.example', secret: 'a-token', schedule: { timeZone: 'UTC', slots: [] } } })
    return {
      event: docs[0]!.id,
      delivery: delivery.id,
      account: account.id,
      network: 'mastodon' as const,
      collection: 'announcements' as const,
      itemId: String(item.id),
      urgency: 'standard' as const,
      unitKey,
      link: 'https://news.example.org/announcements/x',
      text: 'A post',
      state: 'scheduled' as const,
      kind: 'statement' as const,
      scheduledAt: new Date(Date.now() + 3_600_000).toISOString(),
    }
  }
  const existing = async () => payload.create({ collection: 'social-posts', data: await post() })
  return [
    { collection: 'social-posts', operation: 'read', allowed: STAFF, attempt: async ({ as }) => payload.findByID({ collection: 'social-posts', id: (await existing()).id, ...as }) },
    { collection: 'social-posts', operation: 'create', allowed: [], attempt: async ({ as }) => payload.create({ collection: 'social-posts', data: await post(), ...as }) },
    { collection: 'social-posts', operation: 'update', allowed: EDITORS, attempt: async ({ as }) => payload.update({ collection: 'social-posts', id: (await existing()).id, data: { text: 'Edited' }, ...as }) },
    { collection: 'social-posts', operation: 'delete', allowed: [], attempt: async ({ as }) => payload.delete({ collection: 'social-posts', id: (await existing()).id, ...as }) },
  ]
}

const cells: Cell[] = [
  ...contentCells('announcements'),
  ...contentCells('reports'),
  ...topicCells(),
  ...uploadCells('media'),
  ...uploadCells('documents'),
  ...subscriberCells(),
  ...userCells(),
  ...siteCells(),
  ...systemCells(),
  ...importCells(),
  ...accountCells(),
  ...socialPostCells(),
]

beforeAll(async () => {
  ctx = await startTestPayload()
  payload = ctx.payload
  users.admin = await createUser(payload, 'admin')
  users.editor = await createUser(payload, 'editor')
  users.author = await createUser(payload, 'author')
  users.otherAuthor = await createUser(payload, 'author')
})
afterAll(async () => {
  await ctx?.stop()
})

const isDenial = (error: unknown) => error instanceof Forbidden || error instanceof NotFound || error instanceof NotVisible

describe.each(cells)('$collection: $operation', (cell) => {
  it.each(EVERYONE)('%s', async (who) => {
    const outcome = await cell.attempt(actorFor(who)).then(
      () => 'allowed',
      (error: unknown) => {
        if (isDenial(error)) return 'denied'
        throw error
      },
    )
    expect(outcome).toBe(cell.allowed.includes(who) ? 'allowed' : 'denied')
  })
})

it('refuses with a validation error, not silently, when a field it cannot write is the only change', async () => {
  // Guard for the table above: a ValidationError must never be mistaken for a denial.
  await expect(
    payload.create({ collection: 'topics', data: { name: '' }, user: users.editor, overrideAccess: false }),
  ).rejects.toBeInstanceOf(ValidationError)
})
