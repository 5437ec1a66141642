/**
 * The social channel end to end: publish → one post per account → its network's queue → Mastodon,
 * Bluesky and a signed webhook, each a local fake with the network's real paths, auth, validation and
 * status codes, driven by the real client libraries (masto, @atproto/api, standardwebhooks).
 */
import { randomBytes } from 'node:crypto'

import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { DateTime } from 'luxon'
import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { Account, Announcement, SocialPost } from '@/payload-types'

import { socialQueueName } from '../../src/jobs/queues'
import { postJobId, removalJobId } from '../../src/channels/social/post-queue'
import { startFakeBluesky, type FakeBluesky } from '../fakes/bluesky'
import { startFakeMastodon, type FakeMastodon } from '../fakes/mastodon'
import { startFakeWebhookReceiver, type FakeWebhookReceiver } from '../fakes/webhook-receiver'
import { authHeaders, body, createUser } from '../helpers/content'
import { waitFor } from '../helpers/log-file'
import { startTestPipeline, type TestPipeline } from '../helpers/pipeline'
import { rest } from '../helpers/rest'

const SITE = 'https://news.example.org'
const MASTODON_TOKEN = 'mastodon-access-token-4f1c9a'
const BLUESKY = { handle: 'northfield.bsky.social', did: 'did:plc:northfieldfoodnetwork', password: 'abcd-efgh-ijkl-mnop' }
const WEBHOOK_SECRET = `whsec_${randomBytes(24).toString('base64')}`

let ctx: TestPipeline
let payload: Payload
let mastodon: FakeMastodon
let bluesky: FakeBluesky
let webhook: FakeWebhookReceiver
let editor: Record<string, string>
let author: Record<string, string>
const queues = new Map<string, Queue>()

beforeAll(async () => {
  mastodon = await startFakeMastodon({ tokens: { [MASTODON_TOKEN]: 'northfield' } })
  bluesky = await startFakeBluesky({ accounts: [BLUESKY] })
  webhook = await startFakeWebhookReceiver(WEBHOOK_SECRET)
  // Mastodon's budget is small here so the rate-limit test can see posts wait for room.
  ctx = await startTestPipeline({ DELIVERY_CHANNELS: 'social', PUBLIC_URL: SITE, SOCIAL_RATE_LIMITS: 'mastodon=3/4,bluesky=5000/3600', EXPIRY_SWEEP_MS: '2000' })
  payload = ctx.payload
  editor = await authHeaders(payload, await createUser(payload, 'editor'))
  author = await authHeaders(payload, await createUser(payload, 'author'))
  for (const network of ['mastodon', 'bluesky', 'webhook'] as const) {
    queues.set(network, new Queue(socialQueueName(network), { connection: { url: ctx.redisUrl }, prefix: ctx.queueNamespace }))
  }
})
afterAll(async () => {
  await Promise.all([...queues.values()].map((queue) => queue.close()))
  await ctx?.stop()
  await Promise.all([mastodon?.close(), bluesky?.close(), webhook?.close()])
})

let counter = 0

/** A topic of the test's own: its accounts post only items in it, so tests never see each other's posts. */
async function scope() {
  return payload.create({ collection: 'topics', data: { name: `Scope ${++counter}` } })
}

type Slot = NonNullable<Account['schedule']['slots']>[number]

async function account(network: Account['network'], topic: number, options: { slots?: Slot[]; timeZone?: string; urgencies?: Account['urgencies'] } = {}): Promise<Account> {
  const access = {
    mastodon: { baseUrl: mastodon.url, secret: MASTODON_TOKEN },
    bluesky: { baseUrl: bluesky.url, identifier: BLUESKY.handle, secret: BLUESKY.password },
    webhook: { baseUrl: webhook.url, secret: WEBHOOK_SECRET },
  }[network]
  return payload.create({
    collection: 'accounts',
    data: {
      network,
      displayName: `${network} ${++counter}`,
      ...access,
      topics: [topic],
      urgencies: options.urgencies ?? ['urgent', 'standard'],
      schedule: { timeZone: options.timeZone ?? 'Europe/London', slots: options.slots ?? [] },
    },
  })
}

async function publish(topic: number, data: Partial<Announcement> = {}): Promise<Announcement> {
  return payload.create({
    collection: 'announcements',
    data: { title: `Referral system near breaking point ${++counter}`, summary: 'Demand for emergency food parcels rose by a third this winter.', body, urgency: 'urgent', topics: [topic], _status: 'published', ...data },
  })
}

async function postsOf(itemId: number): Promise<SocialPost[]> {
  const { docs } = await payload.find({ collection: 'social-posts', where: { itemId: { equals: String(itemId) } }, depth: 0, sort: 'id', limit: 100 })
  return docs
}

const postFor = async (itemId: number, accountId: number, kind: SocialPost['kind'] = 'statement') =>
  (await postsOf(itemId)).find((post) => post.account === accountId && post.kind === kind)

const waitForPost = (itemId: number, accountId: number, state: SocialPost['state'], kind: SocialPost['kind'] = 'statement', timeoutMs = 15_000) =>
  waitFor(async () => {
    const post = await postFor(itemId, accountId, kind)
    return post?.state === state ? post : undefined
  }, timeoutMs, `${kind} post of account ${accountId} ${state}`)

const ledgerRow = async (id: SocialPost['delivery']) => payload.findByID({ collection: 'deliveries', id: typeof id === 'object' ? id.id : id, depth: 0 })

/** A slot `hours` from now in `zone`, to the minute, and the instant it stands for. */
function slotIn(hours: number, zone: string): { slot: Slot; at: Date } {
  const local = DateTime.now().setZone(zone).plus({ hours }).startOf('minute')
  return { slot: { weekday: String(local.weekday) as Slot['weekday'], time: local.toFormat('HH:mm') }, at: local.toJSDate() }
}

describe('an urgent item', () => {
  it('is posted within seconds on Mastodon, Bluesky and the webhook, each post a ledger unit with its address', async () => {
    const topic = await scope()
    const accounts = await Promise.all([account('mastodon', topic.id), account('bluesky', topic.id), account('webhook', topic.id)])
    const started = Date.now()
    const item = await publish(topic.id, { title: 'Food banks: referrals up 34% & rising' })
    const posted = await Promise.all(accounts.map((each) => waitForPost(item.id, each.id, 'posted')))
    expect(Date.now() - started).toBeLessThan(5_000)

    const link = `${SITE}/announcements/${item.slug}`
    const [onMastodon, onBluesky, onWebhook] = posted as [SocialPost, SocialPost, SocialPost]
    const status = mastodon.statuses.find((each) => each.idempotencyKey === onMastodon.unitKey)!
    expect(status.text).toBe(onMastodon.text)
    expect(status.text).toContain('Food banks: referrals up 34% & rising')
    expect(status.text).toContain(link)
    expect(onMastodon.remoteUrl).toBe(`${mastodon.url}/@northfield/${status.id}`)

    const record = bluesky.records.find((each) => each.uri === onBluesky.remoteId)!
    expect(record.rkey).toBe(onBluesky.recordKey)
    const text = record.record.text as string
    const facets = record.record.facets as { index: { byteStart: number; byteEnd: number }; features: { uri: string }[] }[]
    expect(facets).toHaveLength(1)
    const shown = Buffer.from(text).subarray(facets[0]!.index.byteStart, facets[0]!.index.byteEnd).toString()
    expect(link.replace('https://', '')).toContain(shown.replace('…', ''))
    expect(facets[0]!.features[0]!.uri).toBe(link)
    expect(record.record.embed).toMatchObject({ $type: 'app.bsky.embed.external', external: { uri: link, title: item.title, description: item.summary } })

    const message = webhook.received.find((each) => each.id === onWebhook.unitKey)!
    expect(message.body).toMatchObject({ type: 'post.created', text: onWebhook.text, link, card: { title: item.title } })
    expect(onWebhook.remoteUrl).toMatch(/^https:\/\/hooks\.example\/posts\/\d+$/)

    for (const post of posted) {
      expect(await ledgerRow(post.delivery)).toMatchObject({ channel: 'social', state: 'sent', attempts: 1, detail: post.remoteUrl })
    }
  })
})

describe('a standard item', () => {
  const zone = 'America/New_York'
  let waiting: { item: Announcement; post: SocialPost }[]
  let mastodonAccount: Account

  beforeAll(async () => {
    const topic = await scope()
    const first = slotIn(2, zone)
    const second = slotIn(3, zone)
    mastodonAccount = await account('mastodon', topic.id, { timeZone: zone, slots: [second.slot, first.slot] })
    waiting = []
    for (const expected of [first, second]) {
      const item = await publish(topic.id, { urgency: 'standard' })
      const post = await waitFor(() => postFor(item.id, mastodonAccount.id), 10_000, 'the post')
      expect(new Date(post.scheduledAt).toISOString()).toBe(expected.at.toISOString())
      waiting.push({ item, post })
    }
  })

  it("waits for the account's next free slot in its time zone, the next item for the slot after", async () => {
    for (const { post } of waiting) {
      expect(post.state).toBe('scheduled')
      const job = (await queues.get('mastodon')!.getJob(postJobId(post)))!
      expect(await job.getState()).toBe('delayed')
      expect(Math.abs(job.timestamp + job.delay - Date.parse(post.scheduledAt))).toBeLessThan(2_000)
      expect((await ledgerRow(post.delivery)).state).toBe('pending')
    }
    expect(mastodon.statuses.filter((status) => waiting.some(({ post }) => post.unitKey === status.idempotencyKey))).toEqual([])
  })

  it("refuses text over the network's limit and a time that has passed, changing nothing", async () => {
    const { post } = waiting[0]!
    const tooLong = await rest('PATCH', `/api/social-posts/${post.id}`, { json: { text: `${'word '.repeat(100)}x` }, headers: editor })
    expect(tooLong.status).toBe(400)
    expect(tooLong.text).toContain('the limit is 500')
    const past = await rest('PATCH', `/api/social-posts/${post.id}`, { json: { scheduledAt: new Date(Date.now() - 3_600_000).toISOString() }, headers: editor })
    expect(past.status).toBe(400)
    expect(past.text).toContain('That time has passed')
    const byAuthor = await rest('PATCH', `/api/social-posts/${post.id}`, { json: { text: 'Mine now' }, headers: author })
    expect(byAuthor.status).toBe(403)
    expect(await payload.findByID({ collection: 'social-posts', id: post.id, depth: 0 })).toMatchObject({ text: post.text, scheduledAt: post.scheduledAt, textEdited: false })
  })

  it('moves its job when staff move its time, and goes out then with the edited text', async () => {
    const { post } = waiting[0]!
    const soon = new Date(Date.now() + 1_500)
    const moved = await rest('PATCH', `/api/social-posts/${post.id}`, { json: { scheduledAt: soon.toISOString(), text: 'Edited by staff: the referral system is near breaking point.' }, headers: editor })
    expect(moved.status).toBe(200)
    // The relay moves the job (changeDelay counts the new delay from the moment of the move), or it
    // is already due and taken.
    await waitFor(async () => {
      const job = await queues.get('mastodon')!.getJob(postJobId(post))
      return !job || job.delay < 1_500
    }, 10_000, 'the job moved to the new time')

    const posted = await waitForPost(waiting[0]!.item.id, mastodonAccount.id, 'posted')
    expect(Date.parse(posted.postedAt!)).toBeGreaterThanOrEqual(soon.getTime() - 1_000)
    expect(posted.textEdited).toBe(true)
    expect(mastodon.statuses.find((status) => status.idempotencyKey === post.unitKey)!.text).toBe('Edited by staff: the referral system is near breaking point.')
    const again = await rest('PATCH', `/api/social-posts/${post.id}`, { json: { text: 'Too late' }, headers: editor })
    expect(again.status).toBe(409)
  })

  it('is taken out of its queue when staff cancel it, and never goes out', async () => {
    const { post } = waiting[1]!
    expect((await rest('POST', `/api/social-posts/${post.id}/cancel`)).status).toBe(401)
    expect((await rest('POST', `/api/social-posts/${post.id}/cancel`, { headers: author })).status).toBe(403)
    const cancelled = await rest('POST', `/api/social-posts/${post.id}/cancel`, { headers: editor })
    expect(cancelled.status).toBe(200)
    await waitFor(async () => (await queues.get('mastodon')!.getJob(postJobId(post))) === undefined, 10_000, 'the relay to take the job out')
    expect(await payload.findByID({ collection: 'social-posts', id: post.id, depth: 0 })).toMatchObject({ state: 'cancelled' })
    expect((await ledgerRow(post.delivery)).state).toBe('cancelled')
    expect((await rest('POST', `/api/social-posts/${post.id}/post-now`, { headers: editor })).status).toBe(409)
    expect(mastodon.statuses.some((status) => status.idempotencyKey === post.unitKey)).toBe(false)
  })
})

describe('when a network refuses or fails', () => {
  it("leaves the post failed with the network's message on a 422, and posts it when staff say post now", async () => {
    const topic = await scope()
    const target = await account('mastodon', topic.id)
    mastodon.failNext(1, 422, { error: 'Validation failed: Text character limit of 500 exceeded' })
    const item = await publish(topic.id)
    const failed = await waitForPost(item.id, target.id, 'failed')
    expect(failed.lastError).toBe('Mastodon answered 422: Validation failed: Text character limit of 500 exceeded')
    expect(await ledgerRow(failed.delivery)).toMatchObject({ state: 'failed', lastError: failed.lastError, attempts: 1 })
    expect(mastodon.statuses.some((status) => status.idempotencyKey === failed.unitKey)).toBe(false)

    expect((await rest('POST', `/api/social-posts/${failed.id}/post-now`, { headers: editor })).status).toBe(202)
    await waitForPost(item.id, target.id, 'posted')
    expect(mastodon.statuses.filter((status) => status.idempotencyKey === failed.unitKey)).toHaveLength(1)
    expect(await ledgerRow(failed.delivery)).toMatchObject({ state: 'sent', attempts: 2 })
  })

  it('retries a 503 until the network takes the post, once', async () => {
    const topic = await scope()
    const [onMastodon, onBluesky] = await Promise.all([account('mastodon', topic.id), account('bluesky', topic.id)])
    const refusedBefore = mastodon.requests.filter((request) => request.status === 503).length
    mastodon.failNext(2, 503, { error: 'Service Unavailable' })
    bluesky.failNext(1, 503)
    const item = await publish(topic.id)
    const [onM, onB] = await Promise.all([waitForPost(item.id, onMastodon.id, 'posted'), waitForPost(item.id, onBluesky.id, 'posted')])
    expect(mastodon.requests.filter((request) => request.status === 503).length - refusedBefore).toBe(2)
    expect(mastodon.statuses.filter((status) => status.idempotencyKey === onM.unitKey)).toHaveLength(1)
    expect(bluesky.records.filter((record) => record.uri === onB.remoteId)).toHaveLength(1)
    expect((await ledgerRow(onM.delivery)).attempts).toBe(3)
  })

  it("waits for room in the account's budget instead of meeting the network's 429", async () => {
    const topic = await scope()
    const target = await account('mastodon', topic.id)
    const items = [await publish(topic.id), await publish(topic.id), await publish(topic.id), await publish(topic.id)]
    const posted = await Promise.all(items.map((item) => waitForPost(item.id, target.id, 'posted', 'statement', 20_000)))
    const times = posted.map((post) => Date.parse(post.postedAt!)).sort((a, b) => a - b)
    // A budget of 3 requests per 4 s: the fourth waits for the next window.
    expect(times[3]! - times[0]!).toBeGreaterThanOrEqual(1_000)
    expect(mastodon.requests.filter((request) => request.status === 429)).toEqual([])
  })
})

describe('retraction and correction', () => {
  it('a retraction cancels the posts still waiting and deletes those that went out', async () => {
    const topic = await scope()
    const now = await account('mastodon', topic.id) // no slots: standard items go out at once
    const now2 = await account('bluesky', topic.id)
    const later = await account('mastodon', topic.id, { slots: [slotIn(5, 'Europe/London').slot] })
    const item = await publish(topic.id, { urgency: 'standard' })
    const [onMastodon, onBluesky] = await Promise.all([waitForPost(item.id, now.id, 'posted'), waitForPost(item.id, now2.id, 'posted')])
    const waitingPost = await waitForPost(item.id, later.id, 'scheduled')

    await payload.update({ collection: 'announcements', id: item.id, data: { _status: 'draft' } })
    await waitForPost(item.id, now.id, 'deleted')
    await waitForPost(item.id, now2.id, 'deleted')
    await waitForPost(item.id, later.id, 'cancelled')
    expect(mastodon.statuses.find((status) => status.idempotencyKey === onMastodon.unitKey)!.deleted).toBe(true)
    expect(bluesky.records.find((record) => record.uri === onBluesky.remoteId)!.deleted).toBe(true)
    await waitFor(async () => (await queues.get('mastodon')!.getJob(postJobId(waitingPost))) === undefined, 10_000, 'the waiting post job removed')
    await waitFor(async () => (await ledgerRow(waitingPost.delivery)).state === 'cancelled', 10_000, 'its ledger unit cancelled')
    const removals = await payload.find({ collection: 'deliveries', where: { and: [{ itemId: { equals: String(item.id) } }, { unitKey: { like: '-social-removal-' } }] }, depth: 0 })
    expect(removals.docs.map((row) => row.state)).toEqual(['sent', 'sent'])
    expect(await queues.get('mastodon')!.getJob(removalJobId(onMastodon))).toBeDefined()
  })

  it('a correction staff ask to announce replies to each post that went out', async () => {
    const topic = await scope()
    const [onMastodon, onBluesky] = await Promise.all([account('mastodon', topic.id), account('bluesky', topic.id)])
    const item = await publish(topic.id)
    const [first, second] = await Promise.all([waitForPost(item.id, onMastodon.id, 'posted'), waitForPost(item.id, onBluesky.id, 'posted')])

    await payload.update({ collection: 'announcements', id: item.id, data: { summary: 'Demand rose by half, not a third.', notifySubscribers: true } })
    const [reply, bskyReply] = await Promise.all([waitForPost(item.id, onMastodon.id, 'posted', 'correction'), waitForPost(item.id, onBluesky.id, 'posted', 'correction')])
    expect(reply.text).toContain('Correction:')
    expect(reply.text).toContain('Demand rose by half, not a third.')
    const status = mastodon.statuses.find((each) => each.idempotencyKey === reply.unitKey)!
    expect(status.inReplyToId).toBe(first.remoteId)
    const record = bluesky.records.find((each) => each.uri === bskyReply.remoteId)!
    expect(record.record.reply).toMatchObject({ root: { uri: second.remoteId }, parent: { uri: second.remoteId } })
  })

  it('an update rewrites the waiting posts staff did not edit', async () => {
    const topic = await scope()
    const target = await account('mastodon', topic.id, { slots: [slotIn(6, 'Europe/London').slot] })
    const item = await publish(topic.id, { urgency: 'standard' })
    await waitForPost(item.id, target.id, 'scheduled')
    await payload.update({ collection: 'announcements', id: item.id, data: { title: 'A corrected headline' } })
    const rewritten = await waitFor(async () => {
      const post = await postFor(item.id, target.id)
      return post?.text.startsWith('A corrected headline') ? post : undefined
    }, 10_000, 'the rewritten post')
    expect(rewritten.state).toBe('scheduled')
  })
})

describe('expiry', () => {
  it("cancels a standard post still waiting for its slot once the item's expiry passes", async () => {
    const topic = await scope()
    const target = await account('mastodon', topic.id, { slots: [slotIn(7, 'Europe/London').slot] })
    const item = await publish(topic.id, { urgency: 'standard', expiresAt: new Date(Date.now() + 3_000).toISOString() })
    const waiting = await waitForPost(item.id, target.id, 'scheduled')
    const cancelled = await waitForPost(item.id, target.id, 'cancelled', 'statement', 20_000)
    expect(cancelled.lastError).toBe('The item expired before this post went out.')
    // The post is cancelled first, then its ledger unit, then its job: wait for the last two.
    await waitFor(async () => (await ledgerRow(waiting.delivery)).state === 'cancelled', 10_000, 'the ledger unit cancelled')
    await waitFor(async () => (await queues.get('mastodon')!.getJob(postJobId(waiting))) === undefined, 10_000, 'the job removed')
  })
})

describe('credentials', () => {
  it('never appear in job data or anywhere else in Redis', async () => {
    const client = new Redis(ctx.redisUrl)
    let cursor = '0'
    const values: string[] = []
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${ctx.queueNamespace}:*`, 'COUNT', 500)
      cursor = next
      for (const key of keys) {
        const type = await client.type(key)
        if (type === 'hash') values.push(JSON.stringify(await client.hgetall(key)))
        if (type === 'string') values.push((await client.get(key)) ?? '')
      }
    } while (cursor !== '0')
    client.disconnect()
    const everything = values.join('\n')
    expect(everything).toContain('postId') // the jobs are there
    for (const secret of [MASTODON_TOKEN, BLUESKY.password, WEBHOOK_SECRET, WEBHOOK_SECRET.slice('whsec_'.length)]) expect(everything).not.toContain(secret)
  })
})

