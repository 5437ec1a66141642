import { TID } from '@atproto/common-web'
import type { Queue } from 'bullmq'
import type { Payload } from 'payload'

import { DeliveryError } from '@/delivery/errors'
import type { PipelineEvent } from '@/domain/events'
import { unitKey } from '@/delivery/ledger'
import { itemUrl } from '@/domain/item-url'
import type { ChannelPort, ItemSnapshot, PlannedUnit } from '@/delivery/ports'
import { fitPost, type SocialNetwork } from '@/channels/social/fit-post'
import { nextFreeSlot } from '@/channels/social/next-slot'
import { CORRECTION_TEMPLATE } from '@/channels/social/post-states'
import { DEFAULT_SOCIAL_TEMPLATE } from '@/globals/Site'
import { jobOptions } from '@/jobs/options'
import type { Env } from '@/lib/env'
import { siteBaseUrl } from '@/site/site-url'
import { postJobFields, scheduleRemovalJob, schedulePostJob } from '@/channels/social/post-queue'
import { cancelPost, compareAndSetPost } from '@/channels/social/post-state'
import { compareAndSetDelivery } from '@/lib/ledger-store'
import type { Account, Site, SocialPost } from '@/payload-types'
import { relationId } from '@/lib/relation-id'


export type SocialEnv = Pick<Env, 'PUBLIC_URL' | 'JOB_ATTEMPTS' | 'JOB_BACKOFF_MS'>

/**
 * A social unit: the statement's post on one account, a correction replying to a post that went out,
 * or the deletion of a post when its item is withdrawn. Its key is its kind and the account's or the
 * post's id.
 */
type SocialUnit = { kind: 'post'; accountId: number | string } | { kind: 'correction' | 'removal'; postId: number | string }
const planned = (data: SocialUnit): PlannedUnit<SocialUnit> => ({ key: `${data.kind}-${data.kind === 'post' ? data.accountId : data.postId}`, data })

const topicIds = (topics: ({ id: number } | number)[] | null | undefined): string[] => (topics ?? []).map((topic) => String(relationId(topic)))

/**
 * The social channel: a publish becomes one post per enabled account that takes the item (its
 * urgency, its topics), each a `social-posts` document and a ledger unit, handed to its network's
 * queue as a delayed job: now for urgent items, the account's next free slot for standard ones. An
 * update rewrites waiting posts staff have not edited, and a correction staff asked to announce
 * replies to each post that went out. A retraction cancels what waits and deletes what was posted;
 * an expiry cancels the standard posts still waiting.
 */
export class SocialChannel implements ChannelPort<SocialUnit> {
  readonly name = 'social'
  readonly unitConcurrency = 4

  constructor(
    private readonly payload: Payload,
    private readonly env: SocialEnv,
    private readonly queueFor: (network: SocialNetwork) => Queue,
  ) {}

  handles(event: PipelineEvent, item: ItemSnapshot): boolean {
    if (item.channels.social === false) return false
    if (event.kind === 'retract' || event.kind === 'expire') return true
    return item.live && (event.kind === 'publish' || event.kind === 'update')
  }

  async plan(event: PipelineEvent, item: ItemSnapshot): Promise<PlannedUnit<SocialUnit>[]> {
    if (event.kind === 'publish') return (await this.accountsFor(item)).map((account) => planned({ kind: 'post', accountId: account.id }))
    const posts = await this.postsOf(item)
    if (event.kind === 'update') {
      await this.rewriteWaiting(posts, item)
      return event.notify ? posts.filter((post) => post.kind === 'statement' && post.state === 'posted').map((post) => planned({ kind: 'correction', postId: post.id })) : []
    }
    if (event.kind === 'retract') {
      for (const post of posts) await cancelPost(this.payload, post, 'The item was withdrawn before this post went out.')
      return posts.filter((post) => post.state === 'posted' || post.state === 'deleted').map((post) => planned({ kind: 'removal', postId: post.id }))
    }
    // Expiry: the statement is no longer current; a standard post still waiting for its slot is moot.
    for (const post of posts) if (post.urgency === 'standard' && post.kind === 'statement') await cancelPost(this.payload, post, 'The item expired before this post went out.')
    return []
  }

  async handOff(unit: PlannedUnit<SocialUnit>, ledgerRow: { id: number | string; state: string }, event: PipelineEvent, item: ItemSnapshot): Promise<void> {
    const { data } = unit
    const key = unitKey(event, this.name, unit.key)
    if (data.kind === 'removal') {
      const post = await this.payload.findByID({ collection: 'social-posts', id: data.postId, depth: 0 })
      if (post.state === 'deleted') {
        await compareAndSetDelivery(this.payload, ledgerRow.id, ['pending', 'failed'], 'sent', { sentAt: new Date(), detail: 'Already deleted from the network.' })
        return
      }
      await scheduleRemovalJob(this.queueFor(post.network), { ...postJobFields(post), deliveryId: ledgerRow.id }, jobOptions(this.env))
      return
    }
    const post =
      (await this.existing(key)) ??
      (data.kind === 'post'
        ? await this.createStatement(key, ledgerRow.id, event, item, await this.payload.findByID({ collection: 'accounts', id: data.accountId, depth: 0 }))
        : await this.createCorrection(key, ledgerRow.id, event, item, await this.payload.findByID({ collection: 'social-posts', id: data.postId, depth: 0 })))
    // A failed post handed over again is staff retrying it: it is scheduled again, now if its time has passed.
    if (post.state === 'failed') {
      const at = new Date(Math.max(Date.now(), Date.parse(post.scheduledAt)))
      if (await compareAndSetPost(this.payload, post.id, ['failed'], 'scheduled', { scheduledAt: at })) Object.assign(post, { state: 'scheduled', scheduledAt: at.toISOString() })
    }
    if (post.state === 'scheduled') await schedulePostJob(this.queueFor(post.network), postJobFields(post), jobOptions(this.env))
  }

  /** Enabled accounts that post this item's urgency and, when they name topics, one of its topics. */
  private async accountsFor(item: ItemSnapshot): Promise<Account[]> {
    const { docs } = await this.payload.find({ collection: 'accounts', where: { enabled: { equals: true } }, depth: 0, limit: 0, pagination: false })
    const itemTopics = new Set(item.topics)
    return docs.filter((account) => {
      if (!(account.urgencies ?? []).includes(item.urgency)) return false
      const wanted = topicIds(account.topics)
      return wanted.length === 0 || wanted.some((topic) => itemTopics.has(topic))
    })
  }

  private async postsOf(item: ItemSnapshot): Promise<SocialPost[]> {
    const { docs } = await this.payload.find({
      collection: 'social-posts',
      where: { and: [{ collection: { equals: item.collection } }, { itemId: { equals: String(item.id) } }] },
      depth: 0,
      limit: 0,
      pagination: false,
      sort: 'id',
    })
    return docs
  }

  private async existing(unitKey: string): Promise<SocialPost | undefined> {
    const { docs } = await this.payload.find({ collection: 'social-posts', where: { unitKey: { equals: unitKey } }, depth: 0, limit: 1 })
    return docs[0]
  }

  private site(): Promise<Site> {
    return this.payload.findGlobal({ slug: 'site', depth: 0 })
  }

  /** The post's text from the site's template, fitted to the network; and its link and card. */
  private compose(site: Site, network: SocialNetwork, item: ItemSnapshot, template?: string) {
    const link = itemUrl(siteBaseUrl(site.publicUrl, this.env), item.collection, item.slug)
    try {
      const { text } = fitPost(network, template ?? site.socialTemplate ?? DEFAULT_SOCIAL_TEMPLATE, { title: item.title, summary: item.summary, url: link })
      return { text, link, cardTitle: item.title, cardDescription: item.summary }
    } catch (error) {
      throw new DeliveryError(`${(error as Error).message} Shorten the social post template in the Site settings, then retry.`, { retryable: false })
    }
  }

  private async createStatement(unitKey: string, deliveryId: number | string, event: PipelineEvent, item: ItemSnapshot, account: Account): Promise<SocialPost> {
    const now = new Date()
    let scheduledAt = now
    if (item.urgency === 'standard') {
      const { docs: waiting } = await this.payload.find({
        collection: 'social-posts',
        where: { and: [{ account: { equals: account.id } }, { state: { equals: 'scheduled' } }] },
        depth: 0,
        limit: 0,
        pagination: false,
        select: { scheduledAt: true },
      })
      const schedule = { timeZone: account.schedule.timeZone, slots: (account.schedule.slots ?? []).map((slot) => ({ weekday: Number(slot.weekday), time: slot.time })) }
      // An account without slots (or none in the next four weeks) posts standard items at once too.
      scheduledAt = nextFreeSlot(schedule, now, waiting.map((post) => new Date(post.scheduledAt))) ?? now
    }
    return this.create({
      ...this.compose(await this.site(), account.network, item),
      unitKey,
      delivery: deliveryId as number,
      account: account.id,
      network: account.network,
      kind: 'statement',
      scheduledAt: scheduledAt.toISOString(),
      ...this.itemFields(event, item),
    })
  }

  /** A correction goes out at once, whatever the item's urgency: the original is already out there. */
  private async createCorrection(unitKey: string, deliveryId: number | string, event: PipelineEvent, item: ItemSnapshot, original: SocialPost): Promise<SocialPost> {
    return this.create({
      ...this.compose(await this.site(), original.network, item, CORRECTION_TEMPLATE),
      unitKey,
      delivery: deliveryId as number,
      account: original.account,
      network: original.network,
      kind: 'correction',
      replyTo: original.id,
      scheduledAt: new Date().toISOString(),
      ...this.itemFields(event, item),
    })
  }

  private itemFields(event: PipelineEvent, item: ItemSnapshot) {
    return { collection: item.collection, itemId: String(item.id), urgency: item.urgency, event: event.id as number }
  }

  /** Creates a post; another attempt that created it first (the unit key is unique) wins. */
  private async create(data: Omit<SocialPost, 'id' | 'updatedAt' | 'createdAt' | 'state'>): Promise<SocialPost> {
    try {
      return await this.payload.create({
        collection: 'social-posts',
        depth: 0,
        data: { ...data, state: 'scheduled', recordKey: data.network === 'bluesky' ? TID.nextStr() : undefined } as SocialPost,
      })
    } catch (error) {
      const raced = await this.existing(data.unitKey)
      if (raced) return raced
      throw error
    }
  }

  /** An update reaches waiting posts whose text staff left alone: they go out with the new words. */
  private async rewriteWaiting(posts: SocialPost[], item: ItemSnapshot): Promise<void> {
    const waiting = posts.filter((post) => post.state === 'scheduled' && !post.textEdited)
    if (waiting.length === 0) return
    const site = await this.site()
    for (const post of waiting) {
      const composed = this.compose(site, post.network, item, post.kind === 'correction' ? CORRECTION_TEMPLATE : undefined)
      if (composed.text === post.text && composed.cardTitle === post.cardTitle && composed.cardDescription === post.cardDescription) continue
      await this.payload.update({ collection: 'social-posts', id: post.id, depth: 0, data: composed })
    }
  }
}
