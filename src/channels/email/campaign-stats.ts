import { sql } from '@payloadcms/db-postgres'
import type { Payload } from 'payload'

import type { EmailEventType } from '@/channels/email/email-events'
import { isMongo, runSql } from '@/lib/postgres-sql'
import type { Campaign } from '@/payload-types'

/** Per event type: how many events SendGrid reported, and how many different people they concern. */
export type EventCounts = Partial<Record<EmailEventType, { events: number; people: number }>>

export type CampaignStats = Pick<Campaign, 'id' | 'kind' | 'subject' | 'recipients' | 'createdAt'> & { counts: EventCounts }

type MongoModel = { aggregate: (pipeline: object[]) => Promise<{ _id: EmailEventType; events: number; people: number }[]> }

async function countsOf(payload: Payload, campaignId: number | string): Promise<EventCounts> {
  const rows = isMongo(payload)
    ? await (payload.db as unknown as { collections: Record<string, MongoModel> }).collections['email-events']!.aggregate([
        { $match: { campaign: campaignId } },
        { $group: { _id: { type: '$type', subscriber: '$subscriber' }, events: { $sum: 1 } } },
        { $group: { _id: '$_id.type', events: { $sum: '$events' }, people: { $sum: 1 } } },
      ])
    : (
        await runSql<{ type: EmailEventType; events: string; people: string }>(
          payload,
          sql`select type, count(*) as events, count(distinct subscriber_id) as people from email_events where campaign_id = ${campaignId} group by type`,
        )
      ).rows.map((row) => ({ _id: row.type, events: Number(row.events), people: Number(row.people) }))
  return Object.fromEntries(rows.map((row) => [row._id, { events: row.events, people: row.people }]))
}

/**
 * The email campaigns of one item, newest first, with what SendGrid's events say happened to each:
 * deliveries, opens and clicks (counted once per person as well as in total), bounces, drops, spam
 * reports and unsubscribes. One grouped query per campaign.
 */
export async function campaignStatsForItem(payload: Payload, collection: string, itemId: string): Promise<CampaignStats[]> {
  const { docs } = await payload.find({
    collection: 'campaigns',
    where: { collection: { equals: collection }, itemId: { equals: itemId } },
    sort: '-createdAt',
    depth: 0,
    limit: 50,
    select: { kind: true, subject: true, recipients: true, createdAt: true },
  })
  return Promise.all(docs.map(async (campaign) => ({ id: campaign.id, kind: campaign.kind, subject: campaign.subject, recipients: campaign.recipients, createdAt: campaign.createdAt, counts: await countsOf(payload, campaign.id) })))
}
