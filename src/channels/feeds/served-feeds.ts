import type { Payload } from 'payload'

import type { FeedFormat } from '@/channels/feeds/feed'
import type { Feed as FeedRow } from '@/payload-types'
import { Coalescer } from '@/lib/coalesce'

export type ServedFeed = { etag: string; lastModified: Date; bodies: Record<FeedFormat, string> }

type Cached = ServedFeed & { path: string }

/**
 * The app's copy of the stored feeds, so a request costs one small query (the ETag) instead of
 * reading the bytes. Every request is answered from a check that started after it arrived, so a
 * reader (or the WebSub hub, pinged right after a rebuild) never gets the feed from before it; under
 * load, concurrent requests share one check.
 */
export class ServedFeeds {
  private readonly cache = new Map<string, Cached>()
  private readonly checks = new Coalescer<ServedFeed | undefined>()

  constructor(private readonly payload: Payload) {}

  /** The feed served at `path` ("" for /feed.xml, "/topics/<slug>"), or undefined if none was built. */
  get(path: string): Promise<ServedFeed | undefined> {
    return this.checks.run(path, () => this.check(path))
  }

  /** The last copy read, for when the database cannot be reached. */
  stale(path: string): ServedFeed | undefined {
    return this.cache.get(path)
  }

  private async check(path: string): Promise<ServedFeed | undefined> {
    const where = { path: { equals: path } }
    const head = await this.payload.db.findOne<FeedRow>({ collection: 'feeds', where, select: { etag: true } })
    if (!head?.etag) return undefined
    const cached = this.cache.get(path)
    if (cached?.etag === head.etag) return cached
    const row = await this.payload.db.findOne<FeedRow>({
      collection: 'feeds',
      where,
      select: { etag: true, lastModified: true, rss: true, atom: true, json: true },
    })
    if (!row?.etag || !row.lastModified) return undefined
    const fresh: Cached = { path, etag: row.etag, lastModified: new Date(row.lastModified), bodies: { rss: row.rss ?? '', atom: row.atom ?? '', json: row.json ?? '' } }
    this.cache.set(path, fresh)
    return fresh
  }
}
