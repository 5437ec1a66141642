import type { Payload, Where } from 'payload'

import { type Audience, type BatchRange, wantsAlert } from '@/domain/email/audience'

export type Recipient = { id: number | string; email: string }

const PAGE = 1000

/**
 * Streams, by id, the subscribers confirmed by `snapshotAt` who want the alert, a page at a time,
 * optionally only those with ids in (after, upTo]: a million subscribers are never all in memory.
 */
export async function* matchingSubscribers(
  payload: Payload,
  audience: Audience,
  snapshotAt: Date,
  range: { after?: number | string | null; upTo?: number | string } = {},
): AsyncGenerator<Recipient[]> {
  let cursor = range.after ?? null
  for (;;) {
    const and: Where[] = [{ status: { equals: 'confirmed' } }, { confirmedAt: { less_than_equal: snapshotAt.toISOString() } }]
    if (cursor !== null) and.push({ id: { greater_than: cursor } })
    if (range.upTo !== undefined) and.push({ id: { less_than_equal: range.upTo } })
    const { docs } = await payload.find({
      collection: 'subscribers',
      where: { and },
      sort: 'id',
      limit: PAGE,
      pagination: false,
      depth: 0,
      select: { email: true, topics: true, urgentOnly: true },
    })
    if (docs.length === 0) return
    yield docs.filter((subscriber) => wantsAlert(audience, subscriber)).map((subscriber) => ({ id: subscriber.id, email: subscriber.email }))
    if (docs.length < PAGE) return
    cursor = docs.at(-1)!.id
  }
}

/** Cuts the audience into batches of at most `batchSize`, by id, counting as it streams. */
export async function planBatches(payload: Payload, audience: Audience, snapshotAt: Date, batchSize: number): Promise<{ batches: BatchRange[]; recipients: number }> {
  const batches: BatchRange[] = []
  let after: number | string | null = null
  let inBatch: Recipient[] = []
  let recipients = 0
  for await (const page of matchingSubscribers(payload, audience, snapshotAt)) {
    for (const recipient of page) {
      inBatch.push(recipient)
      recipients++
      if (inBatch.length === batchSize) {
        batches.push({ after, upTo: recipient.id, count: inBatch.length })
        after = recipient.id
        inBatch = []
      }
    }
  }
  if (inBatch.length > 0) batches.push({ after, upTo: inBatch.at(-1)!.id, count: inBatch.length })
  return { batches, recipients }
}
