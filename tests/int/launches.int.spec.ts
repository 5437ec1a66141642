/**
 * Scheduled launches: a draft with a publish time is embargoed (no page, API answer, feed item or file)
 * until then, publishes itself at that time with its fan-out, follows staff's changes to the time, and
 * an announcement launched with its report publishes with it, in one transaction.
 */
import { Queue } from 'bullmq'
import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { Document, Report } from '@/payload-types'

import { LAUNCH_QUEUE } from '../../src/jobs/queues'
import { launchJobId } from '../../src/launches/queue'
import { upcomingLaunches } from '../../src/launches/upcoming'
import { authHeaders, body, createUser } from '../helpers/content'
import { readFeed } from '../helpers/feeds'
import { pdfFile } from '../helpers/files'
import { waitFor } from '../helpers/log-file'
import { startTestPipeline, type TestPipeline } from '../helpers/pipeline'
import { rest } from '../helpers/rest'

const SITE = 'https://news.example.org'
let ctx: TestPipeline
let payload: Payload
let editor: Record<string, string>
let launches: Queue

beforeAll(async () => {
  ctx = await startTestPipeline({ DELIVERY_CHANNELS: 'log,feeds', PUBLIC_URL: SITE, EXPIRY_SWEEP_MS: '1000' })
  payload = ctx.payload
  editor = await authHeaders(payload, await createUser(payload, 'editor'))
  launches = new Queue(LAUNCH_QUEUE, { connection: { url: ctx.redisUrl }, prefix: ctx.queueNamespace })
})
afterAll(async () => {
  await launches?.close()
  await ctx?.stop()
})

const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString()

/** A draft saved through the API as an editor would, with a launch time. */
async function scheduleDraft(collection: 'announcements' | 'reports', publishAt: string, extra: Record<string, unknown> = {}) {
  const response = await rest('POST', `/api/${collection}?draft=true`, {
    json: { title: `Launch ${Math.random().toString(36).slice(2, 8)}`, summary: 'Out at the forum, not before.', body, _status: 'draft', publishAt, ...extra },
    headers: editor,
  })
  expect(response.status, response.text).toBe(201)
  return (response.json as { doc: { id: number; slug: string } }).doc
}

const page = async (collection: string, slug: string) =>
  (await (await import(`@/app/(site)/${collection}/[slug]/route`)).GET(new Request(`${SITE}/${collection}/${slug}`), { params: Promise.resolve({ slug }) })).status as number

const events = async (collection: 'announcements' | 'reports', itemId: number) =>
  (await payload.find({ collection: 'outbox-events', where: { and: [{ collection: { equals: collection } }, { itemId: { equals: String(itemId) } }] }, depth: 0 })).docs

describe('a scheduled report', () => {
  it('is unreachable by its page, the API, the feeds and its PDF until its time, then out on every channel', async () => {
    const file = await payload.create({ collection: 'documents', data: { title: 'The report' }, file: pdfFile('forum-report.pdf') })
    const publishAt = inSeconds(4)
    const report = await scheduleDraft('reports', publishAt, { reportFile: file.id })
    const pdf = `/api/documents/file/${(file as Document).filename}`

    expect(await page('reports', report.slug)).toBe(404)
    expect((await rest('GET', `/api/reports/${report.id}`)).status).toBe(404)
    expect((await rest('GET', `/api/reports/${report.id}?draft=true`)).status).toBe(404)
    expect((await rest('GET', pdf)).status).toBe(404)
    expect((await rest('GET', `/api/documents/${file.id}`)).status).toBe(404)
    expect((await readFeed('/feed.xml')).items.some((item) => item.title === (report as unknown as Report).title)).toBe(false)
    expect(await events('reports', report.id)).toEqual([])
    const job = (await launches.getJob(launchJobId('reports', report.id)))!
    expect(await job.getState()).toBe('delayed')
    expect((await upcomingLaunches(payload, launches)).find((launch) => launch.collection === 'reports' && launch.id === report.id)).toMatchObject({ publishAt: new Date(publishAt).toISOString() })

    const published = await waitFor(async () => (await events('reports', report.id)).find((event) => event.kind === 'publish'), 20_000, 'the launch')
    expect(Date.parse(published.createdAt)).toBeGreaterThanOrEqual(Date.parse(publishAt) - 1_000)
    expect(await page('reports', report.slug)).toBe(200)
    expect((await rest('GET', pdf)).status).toBe(200)
    const live = (await rest('GET', `/api/reports/${report.id}`)).json as { _status: string; title: string }
    expect(live._status).toBe('published')
    await waitFor(async () => (await readFeed('/feed.xml')).items.some((item) => item.title === live.title), 20_000, 'the feed item')
  })
})

describe('staff changing a launch', () => {
  it('moves its job with the time, removes it when the time is cleared, and refuses a time that has passed', async () => {
    // The save writes the change to the job outbox; the worker's relay moves the job a moment later.
    const announcement = await scheduleDraft('announcements', inSeconds(3600), { urgency: 'standard' })
    const job = async () => launches.getJob(launchJobId('announcements', announcement.id))
    await waitFor(async () => ((await job())?.delay ?? 0) > 3_590_000, 10_000, 'the launch job, due in an hour')

    expect((await rest('PATCH', `/api/announcements/${announcement.id}?draft=true`, { json: { publishAt: inSeconds(7200) }, headers: editor })).status).toBe(200)
    await waitFor(async () => ((await job())?.delay ?? 0) > 7_190_000, 10_000, 'the launch job moved to two hours')

    const past = await rest('PATCH', `/api/announcements/${announcement.id}?draft=true`, { json: { publishAt: inSeconds(-3600) }, headers: editor })
    expect(past.status).toBe(400)
    expect(past.text).toContain('That time has passed')

    expect((await rest('PATCH', `/api/announcements/${announcement.id}?draft=true`, { json: { publishAt: null }, headers: editor })).status).toBe(200)
    await waitFor(async () => (await job()) === undefined, 10_000, 'the launch job removed')
  })

  it('is carried out even when its job was lost (the relay puts it back)', async () => {
    const announcement = await scheduleDraft('announcements', inSeconds(3), { urgency: 'standard' })
    const job = await waitFor(() => launches.getJob(launchJobId('announcements', announcement.id)), 10_000, 'the launch job')
    await job.remove()
    await waitFor(async () => (await events('announcements', announcement.id)).find((event) => event.kind === 'publish'), 20_000, 'the launch after the relay put its job back')
    expect(await page('announcements', announcement.slug)).toBe(200)
  })
})

describe('a release', () => {
  it('publishes an announcement and the report it launches at the same instant', async () => {
    const file = await payload.create({ collection: 'documents', data: { title: 'Release PDF' }, file: pdfFile('release.pdf') })
    const publishAt = inSeconds(3)
    const report = await scheduleDraft('reports', publishAt, { reportFile: file.id })
    const announcement = await scheduleDraft('announcements', publishAt, { urgency: 'urgent', relatedReport: report.id })

    const both = await waitFor(async () => {
      const found = [...(await events('reports', report.id)), ...(await events('announcements', announcement.id))].filter((event) => event.kind === 'publish')
      return found.length === 2 ? found : undefined
    }, 20_000, 'both publish events')
    expect(Math.abs(Date.parse(both[0]!.createdAt) - Date.parse(both[1]!.createdAt))).toBeLessThan(1_000)
    expect(await page('reports', report.slug)).toBe(200)
    expect(await page('announcements', announcement.slug)).toBe(200)
  })

  it('publishes neither when one of the two cannot be published (one transaction)', async () => {
    const file = await payload.create({ collection: 'documents', data: { title: 'Broken release PDF' }, file: pdfFile('broken.pdf') })
    const publishAt = inSeconds(2)
    const report = await scheduleDraft('reports', publishAt, { reportFile: file.id })
    // A draft may be incomplete; publishing it is refused (no summary): the launch fails as a whole.
    const announcement = await scheduleDraft('announcements', publishAt, { urgency: 'urgent', relatedReport: report.id, summary: '' })
    const job = await waitFor(async () => {
      const found = await launches.getJob(launchJobId('announcements', announcement.id))
      return found && found.attemptsMade > 0 ? found : undefined
    }, 20_000, 'a failed launch attempt')
    expect(job.failedReason).toMatch(/summary/i)
    // Staff see it on Upcoming launches: overdue, with the reason, and what it goes out with.
    const listed = (await upcomingLaunches(payload, launches)).find((launch) => launch.collection === 'announcements' && launch.id === announcement.id)
    expect(listed).toMatchObject({ failure: job.failedReason, releasedWith: { collection: 'reports', id: report.id } })
    expect(await events('reports', report.id)).toEqual([])
    expect(await events('announcements', announcement.id)).toEqual([])
    expect(await page('reports', report.slug)).toBe(404)
    expect((await rest('GET', `/api/documents/${file.id}`)).status).toBe(404)

    // Staff complete the draft: saving it launches the release at once, its time having passed.
    expect((await rest('PATCH', `/api/announcements/${announcement.id}?draft=true`, { json: { summary: 'Now with a summary.' }, headers: editor })).status).toBe(200)
    await waitFor(async () => (await events('reports', report.id)).length === 1 && (await events('announcements', announcement.id)).length === 1, 20_000, 'the release after the fix')
  })
})
