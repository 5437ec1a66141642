import type { Payload } from 'payload'

import { DeliveryError } from '@/delivery/errors'
import type { PipelineEvent } from '@/domain/events'
import { FEED_FORMATS, type FeedFormat, feedUrl } from '@/channels/feeds/feed'
import { type FeedScope, scopeKey } from '@/channels/feeds/scopes'
import type { ChannelPort, DeliveryReceipt, PlannedUnit, Reconciled } from '@/delivery/ports'
import { Coalescer } from '@/lib/coalesce'
import { affectedScopes, allScopes } from '@/channels/feeds/affected-scopes'
import { buildFeed, type BuildResult } from '@/channels/feeds/build-feed'
import { type FeedEnv, feedSettings } from '@/channels/feeds/feed-settings'
import { feedRebuild } from '@/ops/metrics'
import type { Feed as FeedRow } from '@/payload-types'

import type { WebSubHub } from './websub-hub'

/** A feed unit: the rebuild of every feed the event can change, or one hub ping for one changed feed and format. */
type FeedUnit = { kind: 'rebuild' } | { kind: 'ping'; scope: string; format: FeedFormat }

/**
 * The feeds channel. Every event rebuilds the feeds it can change (one `rebuild` unit); builds of one
 * feed coalesce in a burst. Each feed whose content changed then owes the WebSub hub one ping per
 * format, each its own ledger unit (`ping-<scope>-<format>-g<generation>`), found again from the
 * feed rows if the worker stops in between.
 */
export class FeedChannel implements ChannelPort<FeedUnit> {
  readonly name = 'feeds'
  // A rebuild reads everything from the database and a ping only says "look again": repeats are harmless.
  readonly idempotent = true
  private readonly builds = new Coalescer<BuildResult>()

  constructor(
    private readonly payload: Payload,
    private readonly env: FeedEnv,
    private readonly hub?: WebSubHub,
  ) {}

  /** Every event: even an item taken off the feeds channel has to leave the feeds it was in. */
  handles(): boolean {
    return true
  }

  async plan(): Promise<PlannedUnit<FeedUnit>[]> {
    return [{ key: 'rebuild', data: { kind: 'rebuild' } }]
  }

  async followUps(event: PipelineEvent): Promise<PlannedUnit<FeedUnit>[]> {
    if (!this.hub) return []
    const { docs } = await this.payload.find({
      collection: 'feeds',
      where: { changedByEvent: { equals: String(event.id) } },
      depth: 0,
      pagination: false,
      sort: 'scope',
      select: { scope: true, generation: true },
    })
    return docs.flatMap((feed) => FEED_FORMATS.map((format) => ({ key: `ping-${feed.scope}-${format}-g${feed.generation ?? 0}`, data: { kind: 'ping' as const, scope: feed.scope, format } })))
  }

  async deliver(unit: PlannedUnit<FeedUnit>, event: PipelineEvent): Promise<DeliveryReceipt> {
    try {
      return unit.data.kind === 'rebuild' ? await this.rebuild(event) : await this.ping(unit.data.scope, unit.data.format)
    } catch (error) {
      if (error instanceof DeliveryError) throw error
      throw new DeliveryError(`Feed ${unit.key} failed: ${error instanceof Error ? error.message : String(error)}`, { retryable: true, cause: error })
    }
  }

  /** Rebuilds every feed the event can change. */
  private async rebuild(event: PipelineEvent): Promise<DeliveryReceipt> {
    const { changed, checked } = await this.buildAll(await affectedScopes(this.payload, event), event.id)
    return { detail: changed.length > 0 ? `changed: ${changed.join(', ')} (of ${checked} feeds)` : `no feed changed (${checked} checked)` }
  }

  /**
   * Every feed, rebuilt where it differs from the database (and its files rewritten where they differ
   * from the stored feed); no hub pings, since no event asked.
   */
  async reconcile(): Promise<Reconciled> {
    const { changed, rewritten, checked } = await this.buildAll(await allScopes(this.payload))
    return { checked, repaired: [...changed, ...rewritten.map((scope) => `${scope} (files)`)] }
  }

  /** Builds the scopes one after another with the same settings, read now; says which changed. */
  private async buildAll(scopes: FeedScope[], eventId?: number | string): Promise<{ changed: string[]; rewritten: string[]; checked: number }> {
    const settings = await feedSettings(this.payload, this.env)
    const changed: string[] = []
    const rewritten: string[] = []
    for (const scope of scopes) {
      const result = await this.builds.run(scopeKey(scope), async () => {
        const timer = feedRebuild.startTimer()
        try {
          return await buildFeed(this.payload, scope, settings, { eventId, feedsDir: this.env.FEEDS_DIR })
        } finally {
          timer()
        }
      })
      if (result.outcome === 'changed') changed.push(result.scope)
      if (result.outcome === 'files-rewritten') rewritten.push(result.scope)
    }
    return { changed, rewritten, checked: scopes.length }
  }

  private async ping(scope: string, format: FeedFormat): Promise<DeliveryReceipt> {
    if (!this.hub) throw new DeliveryError('No WebSub hub is configured (WEBSUB_HUB_URL): nothing to ping', { retryable: false })
    // Only the path: the row also holds the feed's bytes, megabytes for a long feed.
    const feed = await this.payload.db.findOne<FeedRow>({ collection: 'feeds', where: { scope: { equals: scope } }, select: { path: true } })
    if (!feed) throw new DeliveryError(`Feed ${scope} no longer exists`, { retryable: false })
    const { siteUrl } = await feedSettings(this.payload, this.env)
    return { detail: await this.hub.publish(feedUrl({ siteUrl, path: feed.path ?? '' }, format)) }
  }
}
