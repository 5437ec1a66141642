/**
 * A worker killed with SIGKILL while Mastodon is answering a post, and restarted: the retry carries the
 * same Idempotency-Key, so Mastodon hands back the status the first attempt made and nothing is posted
 * twice. The workers' logs never hold an account's credential.
 */
import type { Payload } from 'payload'
import { afterAll, beforeAll, expect, it } from 'vitest'

import { startFakeBluesky, type FakeBluesky } from '../fakes/bluesky'
import { startFakeMastodon, type FakeMastodon } from '../fakes/mastodon'
import { body } from '../helpers/content'
import { waitFor } from '../helpers/log-file'
import { startTestPayload, type TestPayload } from '../helpers/payload'
import { FAST_PIPELINE } from '../helpers/pipeline'
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process'

const MASTODON_TOKEN = 'crash-test-mastodon-token-93ab'
const BLUESKY = { handle: 'crash.bsky.social', did: 'did:plc:crashtestaccount0001', password: 'crsh-test-app-pass' }

let ctx: TestPayload
let payload: Payload
let mastodon: FakeMastodon
let bluesky: FakeBluesky
const running: WorkerProcess[] = []

beforeAll(async () => {
  mastodon = await startFakeMastodon({ tokens: { [MASTODON_TOKEN]: 'crashtest' } })
  bluesky = await startFakeBluesky({ accounts: [BLUESKY] })
  ctx = await startTestPayload({ LOG_LEVEL: 'error' })
  payload = ctx.payload
  await payload.create({ collection: 'accounts', data: { network: 'mastodon', displayName: 'Crash test', baseUrl: mastodon.url, secret: MASTODON_TOKEN, schedule: { timeZone: 'Europe/London', slots: [] } } })
  await payload.create({ collection: 'accounts', data: { network: 'bluesky', displayName: 'Crash test sky', baseUrl: bluesky.url, identifier: BLUESKY.handle, secret: BLUESKY.password, schedule: { timeZone: 'Europe/London', slots: [] } } })
})
afterAll(async () => {
  await Promise.all(running.map((worker) => worker.stop('SIGKILL')))
  await ctx?.stop()
  await Promise.all([mastodon?.close(), bluesky?.close()])
})

const worker = () => {
  const started = startWorkerProcess(ctx, { ...FAST_PIPELINE, DELIVERY_CHANNELS: 'social', WORKER_LOCK_MS: '2000', LOG_LEVEL: 'info' })
  running.push(started)
  return started
}

it('does not post twice on Mastodon when the worker dies mid-request and the post is retried', async () => {
  const first = worker()
  await first.ready
  mastodon.holdResponses(true)
  const item = await payload.create({ collection: 'announcements', data: { title: 'Crash mid-post', summary: 'Killed while Mastodon answers.', body, urgency: 'urgent', _status: 'published' } })
  // Mastodon has made the status; its answer is held, so the worker is still waiting for it.
  await waitFor(() => mastodon.statuses.length === 1, 20_000, 'the status to be made')
  expect(await first.stop('SIGKILL')).toBeNull()
  mastodon.holdResponses(false)

  const second = worker()
  await second.ready
  const post = await waitFor(async () => {
    const { docs } = await payload.find({ collection: 'social-posts', where: { and: [{ itemId: { equals: String(item.id) } }, { network: { equals: 'mastodon' } }] }, depth: 0 })
    return docs[0]?.state === 'posted' ? docs[0] : undefined
  }, 30_000, 'the post to be recorded as posted')

  expect(mastodon.statuses).toHaveLength(1)
  expect(mastodon.statuses[0]!.idempotencyKey).toBe(post.unitKey)
  expect(post.remoteId).toBe(mastodon.statuses[0]!.id)
  const row = await payload.findByID({ collection: 'deliveries', id: typeof post.delivery === 'object' ? post.delivery.id : post.delivery, depth: 0 })
  // Two attempts: the interrupted one (in doubt, then sent again, as Mastodon's key makes a repeat harmless) and the retry.
  expect(row).toMatchObject({ state: 'sent', attempts: 2 })

  // Bluesky went out once too, and neither worker's output holds a credential.
  await waitFor(() => bluesky.records.length === 1, 20_000, 'the Bluesky post')
  const output = running.map((process) => process.output()).join('')
  expect(output).toContain('job done')
  for (const secret of [MASTODON_TOKEN, BLUESKY.password]) expect(output).not.toContain(secret)
}, 120_000)
