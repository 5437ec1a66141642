import { createHash } from 'node:crypto'

import type { Payload } from 'payload'

import type { Feed as FeedRow } from '@/payload-types'
import { renderFeed } from '@/channels/feeds/render/render'
import { type FeedScope, scopeKey, scopePath, scopeTitle } from '@/channels/feeds/scopes'

import { assembleFeed, type FeedSettings } from './assemble-feed'
import { feedFilesHold, writeFeedFiles } from './feed-files'
import { markBuilt, storeFeed, takeBuildToken } from './feed-store'

/** `files-rewritten`: the stored feed was current, its files under FEEDS_DIR were not (a worker died between the two). */
export type BuildOutcome = 'changed' | 'unchanged' | 'files-rewritten' | 'superseded'
export type BuildResult = { scope: string; path: string; outcome: BuildOutcome; generation?: number; itemCount: number; ms: number }

/**
 * Builds one feed from the database and stores it only if its content changed. The ETag is a hash of
 * the assembled content, not of the rendered bytes (RSS carries a build time), so an event that does
 * not touch a feed leaves its ETag, its Last-Modified and its hub alone.
 */
export async function buildFeed(
  payload: Payload,
  scope: FeedScope,
  settings: FeedSettings,
  options: { eventId?: number | string; feedsDir?: string } = {},
): Promise<BuildResult> {
  const started = Date.now()
  const key = scopeKey(scope)
  const path = scopePath(scope)
  const token = await takeBuildToken(payload, key, scopeTitle(scope, settings.organisation), path)
  const feed = await assembleFeed(payload, scope, settings)
  const etag = createHash('sha256').update(JSON.stringify(feed)).digest('base64url').slice(0, 27)
  const result = (outcome: BuildOutcome, generation?: number): BuildResult => ({ scope: key, path, outcome, generation, itemCount: feed.entries.length, ms: Date.now() - started })

  const stored = await payload.db.findOne<FeedRow>({ collection: 'feeds', where: { scope: { equals: key } }, select: { etag: true } })
  const stillCurrent = async () => {
    const row = await payload.db.findOne<FeedRow>({ collection: 'feeds', where: { scope: { equals: key } }, select: { builtToken: true } })
    return Number(row?.builtToken) === token
  }
  if (stored?.etag === etag) {
    await markBuilt(payload, key, token)
    // The database has this content; the files may not, if a worker died between the two.
    if (options.feedsDir && !(await feedFilesHold(options.feedsDir, path, etag))) {
      const row = await payload.db.findOne<FeedRow>({ collection: 'feeds', where: { scope: { equals: key } }, select: { etag: true, rss: true, atom: true, json: true } })
      if (row?.etag === etag && (await writeFeedFiles(options.feedsDir, path, { etag, bodies: { rss: row.rss ?? '', atom: row.atom ?? '', json: row.json ?? '' } }, stillCurrent))) {
        return result('files-rewritten')
      }
    }
    return result('unchanged')
  }

  const changedAt = new Date()
  const bodies = renderFeed(feed, changedAt)
  const generation = await storeFeed(payload, key, token, {
    title: feed.title,
    path,
    etag,
    lastModified: changedAt,
    itemCount: feed.entries.length,
    entryKeys: ` ${feed.entries.map((entry) => entry.key).join(' ')} `,
    changedByEvent: options.eventId === undefined ? '' : String(options.eventId),
    bodies,
  })
  if (generation === undefined) return result('superseded')
  if (options.feedsDir) await writeFeedFiles(options.feedsDir, path, { etag, bodies }, stillCurrent)
  return result('changed', generation)
}
