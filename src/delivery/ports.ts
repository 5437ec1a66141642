import type { PipelineEvent } from '@/domain/events'

/** What a channel needs to know about the item, read fresh from the database when its job runs. */
export type ItemSnapshot = {
  id: number | string
  collection: PipelineEvent['collection']
  title: string
  slug: string
  summary: string
  urgency: PipelineEvent['urgency']
  /** The item's per-channel switches (announcements); reports go to every channel. */
  channels: Record<string, boolean | null | undefined>
  /** The ids of the item's topics. */
  topics: string[]
  live: boolean
}

/** What a channel's reconcile found: how many things it checked, and the ones it had to bring up to date. */
export type Reconciled = { checked: number; repaired: string[] }

/**
 * One unit of delivery as a channel plans it: a feed build, an email batch, a social post. `data` says
 * what the unit is in the channel's own terms and comes back to `deliver` and `handOff` as planned, so
 * no key is ever parsed to find out.
 */
export type PlannedUnit<Data = unknown> = {
  /** Unique within the event and channel, stable across retries (e.g. "batch-00007", "post-12"). */
  key: string
  /** How many things the unit carries (recipients in a batch), for progress such as 4,000 / 12,000. */
  size?: number
  data: Data
}

export type DeliveryReceipt = {
  /** What the provider answered, for staff (a message id, a post URL). */
  detail?: string
}

/**
 * A channel: where an event goes. Its adapter does the I/O, the worker's generic channel processor
 * drives it through the ledger, and its `name` is the ledger kind. Adapters throw DeliveryError.
 */
export interface ChannelPort<Data = unknown> {
  readonly name: string
  /** How many of one event's units may be delivered at once (email batches); one when unset. */
  readonly unitConcurrency?: number
  /**
   * Delivering a unit again doubles nothing (a feed rebuilt from the database, a hub ping): a unit
   * interrupted mid-send is sent again at once, whatever IN_DOUBT_POLICY says, and never waits for staff.
   */
  readonly idempotent?: boolean
  /** Whether this event, for this item, goes to this channel at all. */
  handles(event: PipelineEvent, item: ItemSnapshot): boolean
  /** The units this event becomes on this channel. Called again on retries: must return the same keys. */
  plan(event: PipelineEvent, item: ItemSnapshot): Promise<PlannedUnit<Data>[]>
  /** Delivers one unit now. A channel has this or `handOff`. */
  deliver?(unit: PlannedUnit<Data>, event: PipelineEvent, item: ItemSnapshot): Promise<DeliveryReceipt>
  /**
   * For channels whose units go out later, on queues of their own (a social post at its account's
   * slot): makes sure the unit is waiting there. The unit stays pending in the ledger until that queue
   * delivers it. Called again on retries and redeliveries: must be idempotent.
   */
  handOff?(unit: PlannedUnit<Data>, ledgerRow: { id: number | string; state: string }, event: PipelineEvent, item: ItemSnapshot): Promise<void>
  /**
   * Units that exist only once the planned ones have run, such as the hub pings a feed rebuild owes
   * for the feeds it changed. Asked after the planned units, on every attempt, and answered from
   * durable state so a retry after a crash finds the same units.
   */
  followUps?(event: PipelineEvent, item: ItemSnapshot): Promise<PlannedUnit<Data>[]>
  /**
   * Brings what the channel keeps up to date with the database: before the worker takes jobs, for
   * content that changed while no worker ran (a seed, a restore, an upgrade), and again at the
   * reconcile sweep's pace, for anything a crash left behind. Says what it checked and repaired.
   */
  reconcile?(): Promise<Reconciled>
}
