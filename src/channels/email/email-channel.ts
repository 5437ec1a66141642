import { randomBytes } from 'node:crypto'

import { LRUCache } from 'lru-cache'
import { ValidationError, type Payload } from 'payload'

import type { BatchRange } from '@/channels/email/audience'
import { type EmailMessage, emailSubject, type PersonalLinks, personalLinkPlaceholders, renderEmail } from '@/channels/email/email-message'
import { DeliveryError } from '@/delivery/errors'
import { unitKey } from '@/delivery/ledger'
import type { PipelineEvent } from '@/domain/events'
import type { ChannelPort, DeliveryReceipt, ItemSnapshot, PlannedUnit } from '@/delivery/ports'
import { type ItemForEmail, itemForEmail } from '@/channels/email/email-content'
import { batchRecipients, planBatches } from '@/channels/email/recipients'
import type { Env } from '@/lib/env'
import { relationId } from '@/lib/relation-id'
import { emailsAccepted } from '@/ops/metrics'
import { siteBaseUrl } from '@/site/site-url'
import { subscriberToken } from '@/subscribers/tokens'
import type { Campaign, Site } from '@/payload-types'

import type { SendGridMailer } from './sendgrid-mailer'

export type EmailEnv = Pick<Env, 'PAYLOAD_SECRET' | 'PUBLIC_URL' | 'EMAIL_BATCH_SIZE' | 'EMAIL_CONCURRENCY'>

type Prepared = { campaign: Campaign; site: Site; siteUrl: string; message: EmailMessage; links: PersonalLinks }

const PREPARED_TTL_MS = 15_000

type CampaignAudience = Pick<Campaign, 'kind' | 'urgency' | 'topics' | 'snapshotAt' | 'recipients' | 'batches' | 'original'>

/** An email unit: one batch of the event's campaign, by its place in the campaign. */
type BatchUnit = { batch: number }
const batchKey = (index: number) => `batch-${String(index).padStart(5, '0')}`

/**
 * The email channel: a publish becomes one campaign (its audience fixed when the campaign is
 * created), cut into batches of at most EMAIL_BATCH_SIZE subscribers, each batch one SendGrid request
 * and one ledger unit, so a retry never sends a batch the ledger records as sent.
 */
export class EmailChannel implements ChannelPort<BatchUnit> {
  readonly name = 'email'
  readonly unitConcurrency: number
  private readonly preparedByEvent = new LRUCache<string, Prepared>({ max: 100, ttl: PREPARED_TTL_MS })

  constructor(
    private readonly payload: Payload,
    private readonly env: EmailEnv,
    private readonly mailer: SendGridMailer,
  ) {
    this.unitConcurrency = env.EMAIL_CONCURRENCY
  }

  /**
   * The first publication of a live item with email switched on (reports always have it), and a
   * correction staff asked to email (an update with `notify`).
   */
  handles(event: PipelineEvent, item: ItemSnapshot): boolean {
    if (!item.live || item.channels.email === false) return false
    return event.kind === 'publish' || (event.kind === 'update' && event.notify === true)
  }

  async plan(event: PipelineEvent): Promise<PlannedUnit<BatchUnit>[]> {
    const campaign = await this.campaignFor(event)
    return (campaign.batches as BatchRange[]).map((batch, index) => ({ key: batchKey(index), size: batch.count, data: { batch: index } }))
  }

  async deliver(unit: PlannedUnit<BatchUnit>, event: PipelineEvent): Promise<DeliveryReceipt> {
    const { campaign, site, siteUrl, message, links } = await this.prepared(event)
    const batch = (campaign.batches as BatchRange[])[unit.data.batch]
    if (!batch) throw new DeliveryError(`Campaign ${campaign.id} has no ${unit.key}`, { retryable: false })
    if (!site.senderEmail) throw new DeliveryError('No sender address: set "Sender email" in the Site settings, then retry.', { retryable: false })

    const audience = { topicIds: (campaign.topics as string[] | null) ?? [], urgent: campaign.urgency === 'urgent' }
    const secret = this.env.PAYLOAD_SECRET
    const recipients = (await batchRecipients(this.payload, audience, new Date(campaign.snapshotAt), batch)).map((subscriber) => {
      const unsubscribeToken = subscriberToken(secret, 'unsubscribe', subscriber.id)
      const unsubscribeUrl = `${siteUrl}/unsubscribe?token=${unsubscribeToken}`
      const mailto = site.unsubscribeMailbox ? `, <mailto:${site.unsubscribeMailbox}?subject=${encodeURIComponent(`unsubscribe ${unsubscribeToken}`)}>` : ''
      return {
        email: subscriber.email,
        substitutions: { [links.unsubscribe]: unsubscribeUrl, [links.preferences]: `${siteUrl}/preferences?token=${subscriberToken(secret, 'preferences', subscriber.id)}` },
        // RFC 8058 one-click: the https link, which a mail client POSTs to; a mailbox too when there is one.
        headers: { 'List-Unsubscribe': `<${unsubscribeUrl}>${mailto}`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
        customArgs: { campaign: String(campaign.id), batch: unit.key, subscriber: String(subscriber.id) },
      }
    })
    // Everyone in it left since the campaign was planned: nothing to send, nothing owed.
    if (recipients.length === 0) return { detail: 'nobody left in this batch: all unsubscribed since the campaign was planned' }

    const messageId = await this.mailer.send({ from: { email: site.senderEmail, name: site.senderName || site.organisationName }, ...message, recipients })
    emailsAccepted.inc(recipients.length)
    return { detail: `SendGrid accepted ${recipients.length} messages${messageId ? ` (${messageId})` : ''}` }
  }

  /**
   * What every batch of an event shares (the campaign, the site, the rendered message), read once for
   * a burst of batches: a thousand batches need not render the same message a thousand times. Kept for
   * PREPARED_TTL_MS, so a correction made mid-send still reaches the later batches.
   */
  private async prepared(event: PipelineEvent): Promise<Prepared> {
    const key = String(event.id)
    const cached = this.preparedByEvent.get(key)
    if (cached) return cached
    const campaign = await this.campaignFor(event)
    const site = await this.payload.findGlobal({ slug: 'site', depth: 0 })
    const siteUrl = siteBaseUrl(site.publicUrl, this.env)
    const item = await itemForEmail(this.payload, event, siteUrl)
    const links = personalLinkPlaceholders(randomBytes(9).toString('base64url'))
    const message = renderEmail({ ...item, correction: campaign.kind === 'correction' }, { organisation: site.organisationName, postalAddress: site.postalAddress ?? '' }, links)
    const prepared = { campaign, site, siteUrl, message, links }
    this.preparedByEvent.set(key, prepared)
    return prepared
  }

  /** An alert goes to the subscribers confirmed now whose choices match the item. */
  private async alertAudience(item: ItemForEmail): Promise<CampaignAudience> {
    const snapshotAt = new Date()
    const { batches, recipients } = await planBatches(this.payload, { topicIds: item.topicIds, urgent: item.urgent }, snapshotAt, this.env.EMAIL_BATCH_SIZE)
    return { kind: 'alert', urgency: item.urgent ? 'urgent' : 'standard', topics: item.topicIds, snapshotAt: snapshotAt.toISOString(), recipients, batches }
  }

  /**
   * A correction goes to the people its alert went to: the alert's audience, in the alert's batches
   * that the ledger has as sent (minus anyone who left since). Nobody new, nobody who never got it.
   */
  private async correctionAudience(event: PipelineEvent, item: ItemForEmail): Promise<CampaignAudience> {
    const { docs } = await this.payload.find({
      collection: 'campaigns',
      where: { collection: { equals: event.collection }, itemId: { equals: String(event.itemId) }, kind: { equals: 'alert' } },
      sort: 'createdAt',
      limit: 1,
      depth: 0,
    })
    const alert = docs[0]
    if (!alert) return { kind: 'correction', urgency: item.urgent ? 'urgent' : 'standard', topics: item.topicIds, snapshotAt: new Date().toISOString(), recipients: 0, batches: [] }
    const alertEvent = await this.payload.findByID({ collection: 'outbox-events', id: relationId(alert.event)!, depth: 0 })
    const sent = await this.payload.find({
      collection: 'deliveries',
      where: { event: { equals: alertEvent.id }, channel: { equals: this.name }, state: { equals: 'sent' } },
      depth: 0,
      pagination: false,
      select: { unitKey: true },
    })
    const sentKeys = new Set(sent.docs.map((row) => row.unitKey))
    const batches = (alert.batches as BatchRange[]).filter((_, index) => sentKeys.has(unitKey(alertEvent, this.name, batchKey(index))))
    return {
      kind: 'correction',
      original: alert.id,
      urgency: alert.urgency,
      topics: alert.topics as string[],
      snapshotAt: alert.snapshotAt,
      recipients: batches.reduce((sum, batch) => sum + batch.count, 0),
      batches,
    }
  }

  /** The event's campaign, created on first use; racing workers end up with the one row. */
  private async campaignFor(event: PipelineEvent): Promise<Campaign> {
    const find = async () => (await this.payload.find({ collection: 'campaigns', where: { event: { equals: event.id } }, limit: 1, depth: 0 })).docs[0]
    const existing = await find()
    if (existing) return existing

    const site = await this.payload.findGlobal({ slug: 'site', depth: 0 })
    const item = await itemForEmail(this.payload, event, siteBaseUrl(site.publicUrl, this.env))
    const audience = event.kind === 'publish' ? await this.alertAudience(item) : await this.correctionAudience(event, item)
    try {
      return await this.payload.create({
        collection: 'campaigns',
        data: {
          event: event.id as number,
          collection: event.collection,
          itemId: String(event.itemId),
          subject: emailSubject({ ...item, correction: audience.kind === 'correction' }),
          ...audience,
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
