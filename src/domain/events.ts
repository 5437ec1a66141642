/** What happened to a published item, as the outbox records it and every channel receives it. */
export const EVENT_KINDS = ['publish', 'update', 'retract', 'expire'] as const
export type EventKind = (typeof EVENT_KINDS)[number]

export const PUBLISHABLE_COLLECTIONS = ['announcements', 'reports'] as const
export type PublishableCollection = (typeof PUBLISHABLE_COLLECTIONS)[number]

export const URGENCIES = ['urgent', 'standard'] as const
export type Urgency = (typeof URGENCIES)[number]

export type PipelineEvent = {
  id: number | string
  /** Minted with the outbox row: what job ids and unit keys derive from (row ids start again after a restore). */
  uid: string
  collection: PublishableCollection
  itemId: number | string
  /** The item's version this event is about (Payload's version id). */
  versionId: string
  kind: EventKind
  urgency: Urgency
  /** An update staff asked to email to those who received the original. */
  notify?: boolean
  /** When the outbox row was written, in the publishing transaction: the commit, near enough. */
  committedAt?: string
}

/** The item's live (non-draft) state as the main table holds it, before and after a save. */
export type LiveState = { status: 'draft' | 'published'; updatedAt: string } | undefined

/**
 * Which event a save produces, from the live state before and after it. A draft saved on top of a
 * published item leaves the live row untouched, so it produces nothing; so does any save of an item
 * that is not and was not live.
 */
export function eventKindForSave(before: LiveState, after: LiveState): EventKind | undefined {
  const wasLive = before?.status === 'published'
  const isLive = after?.status === 'published'
  if (!wasLive && isLive) return 'publish'
  if (wasLive && !isLive) return 'retract'
  if (wasLive && isLive && before.updatedAt !== after.updatedAt) return 'update'
  return undefined
}
