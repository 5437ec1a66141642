import { sql } from '@payloadcms/db-postgres'
import type { Payload } from 'payload'

import type { DeliveryState } from '@/delivery/ledger'
import { isMongo, runSql } from '@/lib/postgres-sql'
import type { Delivery } from '@/payload-types'

export type DashboardWindow = 'hour' | 'day'
const WINDOWS: Record<DashboardWindow, { ms: number; bucket: 'minute' | 'hour'; bucketMs: number }> = {
  hour: { ms: 60 * 60_000, bucket: 'minute', bucketMs: 60_000 },
  day: { ms: 24 * 60 * 60_000, bucket: 'hour', bucketMs: 60 * 60_000 },
}

/** The activities charted, each counted per time bucket. */
export const SERIES = ['emails sent', 'other deliveries', 'opens', 'clicks', 'bounces', 'unsubscribes'] as const
export type SeriesName = (typeof SERIES)[number]

export type RecentEvent = {
  eventId: number | string
  kind: string
  collection: string
  itemId: string
  title: string
  urgency: string
  at: string
  channels: { channel: string; total: number; byState: Partial<Record<DeliveryState, number>> }[]
}
/** An event the pipeline has not finished with long after it was written: the sweep's handback did not help, or it is older than the sweep looks. */
export type UnfinishedEvent = { id: number | string; kind: string; collection: string; itemId: string; title: string; urgency: string; at: string; dispatchedAt?: string | null }
export type CampaignProgress = { id: number | string; subject: string; kind: string; recipients: number; sent: number; at: string }
export type DeliveryDashboardData = {
  window: DashboardWindow
  buckets: string[]
  series: Record<SeriesName, number[]>
  recent: RecentEvent[]
  campaigns: CampaignProgress[]
  unfinished: UnfinishedEvent[]
  attention: Pick<Delivery, 'id' | 'channel' | 'state' | 'lastError' | 'unitKey' | 'collection' | 'itemId' | 'attempts' | 'updatedAt'>[]
}

/** An event not finished this long after it was written needs a person (the relay hands lost ones back after two minutes). */
export const UNFINISHED_AFTER_MS = 10 * 60_000

type Count = { bucket: string; series: SeriesName; count: number }

/** Bucketed counts on Postgres: units sent (emails weighted by their recipients) and SendGrid's events. */
async function postgresCounts(payload: Payload, since: Date, bucket: 'minute' | 'hour'): Promise<Count[]> {
  const { rows } = await runSql<{ bucket: Date | string; series: SeriesName; count: string }>(
    payload,
    sql`select date_trunc(${bucket}, sent_at) as bucket,
               case when channel = 'email' then 'emails sent' else 'other deliveries' end as series,
               sum(case when channel = 'email' then size else 1 end) as count
        from deliveries where state = 'sent' and sent_at >= ${since.toISOString()}
        group by 1, 2
        union all
        select date_trunc(${bucket}, at) as bucket,
               case type when 'open' then 'opens' when 'click' then 'clicks' when 'bounce' then 'bounces' when 'dropped' then 'bounces' else 'unsubscribes' end as series,
               count(*) as count
        from email_events where at >= ${since.toISOString()} and type in ('open', 'click', 'bounce', 'dropped', 'unsubscribe', 'group_unsubscribe', 'spamreport')
        group by 1, 2`,
  )
  return rows.map((row) => ({ bucket: new Date(row.bucket).toISOString(), series: row.series, count: Number(row.count) }))
}

type Aggregate = { aggregate: (pipeline: object[]) => Promise<{ _id: { bucket: Date; series: SeriesName }; count: number }[]> }

/** The same on MongoDB, with $dateTrunc. */
async function mongoCounts(payload: Payload, since: Date, bucket: 'minute' | 'hour'): Promise<Count[]> {
  const models = (payload.db as unknown as { collections: Record<string, Aggregate> }).collections
  const deliveries = await models.deliveries!.aggregate([
    { $match: { state: 'sent', sentAt: { $gte: since } } },
    {
      $group: {
        _id: { bucket: { $dateTrunc: { date: '$sentAt', unit: bucket } }, series: { $cond: [{ $eq: ['$channel', 'email'] }, 'emails sent', 'other deliveries'] } },
        count: { $sum: { $cond: [{ $eq: ['$channel', 'email'] }, '$size', 1] } },
      },
    },
  ])
  const events = await models['email-events']!.aggregate([
    { $match: { at: { $gte: since }, type: { $in: ['open', 'click', 'bounce', 'dropped', 'unsubscribe', 'group_unsubscribe', 'spamreport'] } } },
    {
      $group: {
        _id: {
          bucket: { $dateTrunc: { date: '$at', unit: bucket } },
          series: { $switch: { branches: [{ case: { $eq: ['$type', 'open'] }, then: 'opens' }, { case: { $eq: ['$type', 'click'] }, then: 'clicks' }, { case: { $in: ['$type', ['bounce', 'dropped']] }, then: 'bounces' }], default: 'unsubscribes' } },
        },
        count: { $sum: 1 },
      },
    },
  ])
  return [...deliveries, ...events].map((row) => ({ bucket: new Date(row._id.bucket).toISOString(), series: row._id.series, count: row.count }))
}

/**
 * What the delivery dashboard shows: activity over the last hour (per minute) or day (per hour), the
 * latest events with each channel's progress, the email campaigns under way, and what needs staff:
 * every unit failed or in doubt, and every event the pipeline never finished.
 */
export async function deliveryDashboardData(payload: Payload, window: DashboardWindow = 'hour', now = new Date()): Promise<DeliveryDashboardData> {
  const { ms, bucket, bucketMs } = WINDOWS[window]
  const start = Math.floor((now.getTime() - ms) / bucketMs) * bucketMs + bucketMs
  const buckets = Array.from({ length: ms / bucketMs }, (_, index) => new Date(start + index * bucketMs).toISOString())
  const counts = isMongo(payload) ? await mongoCounts(payload, new Date(start), bucket) : await postgresCounts(payload, new Date(start), bucket)
  const series = Object.fromEntries(SERIES.map((name) => [name, buckets.map(() => 0)])) as Record<SeriesName, number[]>
  for (const count of counts) {
    const index = buckets.indexOf(count.bucket)
    if (index >= 0) series[count.series][index]! += count.count
  }

  const { docs: events } = await payload.find({ collection: 'outbox-events', sort: '-createdAt', limit: 8, depth: 0, select: { kind: true, collection: true, itemId: true, title: true, urgency: true, createdAt: true } })
  const { docs: units } = await payload.find({
    collection: 'deliveries',
    where: { event: { in: events.map((event) => event.id) } },
    pagination: false,
    depth: 0,
    select: { event: true, channel: true, state: true },
  })
  const recent: RecentEvent[] = events.map((event) => {
    const channels = new Map<string, RecentEvent['channels'][number]>()
    for (const unit of units) {
      if ((typeof unit.event === 'object' ? unit.event.id : unit.event) !== event.id) continue
      const entry = channels.get(unit.channel) ?? { channel: unit.channel, total: 0, byState: {} }
      entry.total++
      entry.byState[unit.state] = (entry.byState[unit.state] ?? 0) + 1
      channels.set(unit.channel, entry)
    }
    return { eventId: event.id, kind: event.kind, collection: event.collection, itemId: event.itemId, title: event.title ?? '', urgency: event.urgency, at: event.createdAt, channels: [...channels.values()] }
  })

  const { docs: recentCampaigns } = await payload.find({ collection: 'campaigns', sort: '-createdAt', limit: 5, depth: 0, select: { subject: true, kind: true, recipients: true, event: true, createdAt: true } })
  const campaigns = await Promise.all(
    recentCampaigns.map(async (campaign) => {
      const { docs: sentBatches } = await payload.find({
        collection: 'deliveries',
        where: { event: { equals: typeof campaign.event === 'object' ? campaign.event.id : campaign.event }, channel: { equals: 'email' }, state: { equals: 'sent' } },
        pagination: false,
        depth: 0,
        select: { size: true },
      })
      return { id: campaign.id, subject: campaign.subject, kind: campaign.kind, recipients: campaign.recipients, sent: sentBatches.reduce((sum, batch) => sum + (batch.size ?? 0), 0), at: campaign.createdAt }
    }),
  )

  const { docs: attention } = await payload.find({
    collection: 'deliveries',
    where: { state: { in: ['failed', 'in_doubt'] } },
    sort: '-updatedAt',
    limit: 50,
    depth: 0,
    select: { channel: true, state: true, lastError: true, unitKey: true, collection: true, itemId: true, attempts: true, updatedAt: true },
  })
  const { docs: stalled } = await payload.find({
    collection: 'outbox-events',
    where: { and: [{ completedAt: { exists: false } }, { createdAt: { less_than: new Date(now.getTime() - UNFINISHED_AFTER_MS).toISOString() } }] },
    sort: 'createdAt',
    limit: 50,
    depth: 0,
    select: { kind: true, collection: true, itemId: true, title: true, urgency: true, createdAt: true, dispatchedAt: true },
  })
  const unfinished = stalled.map((event) => ({
    id: event.id,
    kind: event.kind,
    collection: event.collection,
    itemId: event.itemId,
    title: event.title ?? '',
    urgency: event.urgency,
    at: event.createdAt,
    dispatchedAt: event.dispatchedAt,
  }))
  return { window, buckets, series, recent, campaigns, unfinished, attention }
}
