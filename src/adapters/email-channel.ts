import { ValidationError, type Payload } from 'payload'

import type { BatchRange } from '@/domain/email/audience'
import { renderEmail } from '@/domain/email/email-message'
import { DeliveryError } from '@/domain/errors'
import type { PipelineEvent } from '@/domain/events'
import type { ChannelPort, DeliveryReceipt, ItemSnapshot, PlannedUnit } from '@/domain/ports'
import { itemForEmail } from '@/lib/email/email-content'
import { matchingSubscribers, planBatches } from '@/lib/email/recipients'
import type { Env } from '@/lib/env'
import { siteBaseUrl } from '@/lib/feeds/feed-settings'
import { subscriberToken } from '@/lib/subscriber-tokens'
import type { Campaign } from '@/payload-types'

import type { SendGridMailer } from './sendgrid-mailer'

export type EmailEnv = Pick<Env, 'PAYLOAD_SECRET' | 'PUBLIC_URL' | 'EMAIL_BATCH_SIZE'>

const batchKey = (index: number) => `batch-${String(index).padStart(5, '0')}`
const BATCH_KEY = /^batch-(\d{5})$/

/**
 * The email channel: a publish becomes one campaign (its audience fixed when the campaign is
 * created), cut into batches of at most EMAIL_BATCH_SIZE subscribers, each batch one SendGrid request
 * and one ledger unit, so a retry never sends a batch the ledger records as sent.
 */
export class EmailChannel implements ChannelPort {
  readonly name = 'email'

  constructor(
    private readonly payload: Payload,
    private readonly env: EmailEnv,
    private readonly mailer: SendGridMailer,
  ) {}

  /** First publication of a live item that has email switched on (reports always do). */
  handles(event: PipelineEvent, item: ItemSnapshot): boolean {
    return event.kind === 'publish' && item.live && item.channels.email !== false
  }

  async plan(event: PipelineEvent): Promise<PlannedUnit[]> {
    const campaign = await this.campaignFor(event)
    return (campaign.batches as BatchRange[]).map((batch, index) => ({ key: batchKey(index), size: batch.count }))
  }

  async deliver(unit: PlannedUnit, event: PipelineEvent): Promise<DeliveryReceipt> {
    const index = Number(BATCH_KEY.exec(unit.key)?.[1] ?? NaN)
    const campaign = await this.campaignFor(event)
    const batch = (campaign.batches as BatchRange[])[index]
    if (!batch) throw new DeliveryError(`Campaign ${campaign.id} has no ${unit.key}`, { retryable: false })

    const site = await this.payload.findGlobal({ slug: 'site', depth: 0 })
    if (!site.senderEmail) throw new DeliveryError('No sender address: set "Sender email" in the Site settings, then retry.', { retryable: false })
    const siteUrl = siteBaseUrl(site.publicUrl, this.env)
    const item = await itemForEmail(this.payload, event, siteUrl)
    const message = renderEmail(item, { organisation: site.organisationName, postalAddress: site.postalAddress ?? '' })

    const recipients = []
    const audience = { topicIds: (campaign.topics as string[] | null) ?? [], urgent: campaign.urgency === 'urgent' }
    for await (const page of matchingSubscribers(this.payload, audience, new Date(campaign.snapshotAt), batch)) {
      for (const subscriber of page) {
        const token = subscriberToken(this.env.PAYLOAD_SECRET, 'unsubscribe', subscriber.id)
        recipients.push({
          email: subscriber.email,
          unsubscribeUrl: `${siteUrl}/unsubscribe?token=${token}`,
          customArgs: { campaign: String(campaign.id), batch: unit.key, subscriber: String(subscriber.id) },
        })
      }
    }
    // Everyone in it left since the campaign was planned: nothing to send, nothing owed.
    if (recipients.length === 0) return { detail: 'nobody left in this batch: all unsubscribed since the campaign was planned' }

    const messageId = await this.mailer.send({ from: { email: site.senderEmail, name: site.senderName || site.organisationName }, ...message, recipients })
    return { detail: `SendGrid accepted ${recipients.length} messages${messageId ? ` (${messageId})` : ''}` }
  }

  /** The event's campaign, created on first use; racing workers end up with the one row. */
  private async campaignFor(event: PipelineEvent): Promise<Campaign> {
    const find = async () => (await this.payload.find({ collection: 'campaigns', where: { event: { equals: event.id } }, limit: 1, depth: 0 })).docs[0]
    const existing = await find()
    if (existing) return existing

    const site = await this.payload.findGlobal({ slug: 'site', depth: 0 })
    const item = await itemForEmail(this.payload, event, siteBaseUrl(site.publicUrl, this.env))
    const snapshotAt = new Date()
    const audience = { topicIds: item.topicIds, urgent: item.urgent }
    const { batches, recipients } = await planBatches(this.payload, audience, snapshotAt, this.env.EMAIL_BATCH_SIZE)
    try {
      return await this.payload.create({
        collection: 'campaigns',
        data: {
          event: event.id as number,
          collection: event.collection,
          itemId: String(event.itemId),
          subject: renderEmail(item, { organisation: site.organisationName, postalAddress: '' }).subject,
          urgency: item.urgent ? 'urgent' : 'standard',
          topics: item.topicIds,
          snapshotAt: snapshotAt.toISOString(),
          recipients,
          batches,
        },
      })
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      const raced = await find()
      if (!raced) throw error
      return raced
    }
  }
}
