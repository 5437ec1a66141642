import { sql } from '@payloadcms/db-postgres'
import type { Payload } from 'payload'

import type { FeedFormat } from '@/channels/feeds/feed'
import { isMongo, runSql } from '@/lib/postgres-sql'

type MongoModel = {
  findOneAndUpdate: (filter: object, update: object, options: object) => Promise<Record<string, unknown> | null>
  updateOne: (filter: object, update: object) => Promise<unknown>
}
const mongoFeeds = (payload: Payload) => (payload.db as unknown as { collections: Record<string, MongoModel> }).collections.feeds!

export type StoredFeed = {
  title: string
  path: string
  etag: string
  lastModified: Date
  itemCount: number
  entryKeys: string
  changedByEvent: string
  bodies: Record<FeedFormat, string>
}

/**
 * Orders builds of one feed across worker processes: each build takes a token before it reads the
 * items, and only a build holding a newer token than the last one recorded may write. A slow build
 * that read before a change can then never overwrite the build that saw it. Creates the row the
 * first time a scope is built. Atomic increments: raw SQL on Postgres, $inc on MongoDB.
 */
export async function takeBuildToken(payload: Payload, scope: string, title: string, path: string): Promise<number> {
  const now = new Date()
  if (isMongo(payload)) {
    const row = await mongoFeeds(payload).findOneAndUpdate(
      { scope },
      { $inc: { buildToken: 1 }, $setOnInsert: { title, path, builtToken: 0, generation: 0, itemCount: 0, createdAt: now, updatedAt: now } },
      { upsert: true, new: true },
    )
    return Number(row!.buildToken)
  }
  await runSql(
    payload,
    sql`insert into feeds (scope, title, path, build_token, built_token, generation, item_count, updated_at, created_at)
        values (${scope}, ${title}, ${path}, 0, 0, 0, 0, ${now.toISOString()}, ${now.toISOString()})
        on conflict (scope) do nothing`,
  )
  const { rows } = await runSql(payload, sql`update feeds set build_token = build_token + 1 where scope = ${scope} returning build_token`)
  return Number(rows[0]!.build_token)
}

/** Records a build that found nothing to change, so no older build can write after it. */
export async function markBuilt(payload: Payload, scope: string, token: number): Promise<void> {
  if (isMongo(payload)) {
    await mongoFeeds(payload).updateOne({ scope, builtToken: { $lt: token } }, { $set: { builtToken: token } })
    return
  }
  await runSql(payload, sql`update feeds set built_token = ${token} where scope = ${scope} and built_token < ${token}`)
}

/**
 * Writes a changed feed if no newer build has written since; returns its new generation, or
 * undefined when a newer build got there first (its content is at least as fresh as ours).
 */
export async function storeFeed(payload: Payload, scope: string, token: number, feed: StoredFeed): Promise<number | undefined> {
  const now = new Date()
  if (isMongo(payload)) {
    const row = await mongoFeeds(payload).findOneAndUpdate(
      { scope, builtToken: { $lt: token } },
      {
        $set: {
          title: feed.title,
          path: feed.path,
          etag: feed.etag,
          lastModified: feed.lastModified,
          itemCount: feed.itemCount,
          entryKeys: feed.entryKeys,
          changedByEvent: feed.changedByEvent,
          ...feed.bodies,
          builtToken: token,
          updatedAt: now,
        },
        $inc: { generation: 1 },
      },
      { new: true },
    )
    return row ? Number(row.generation) : undefined
  }
  const { rows } = await runSql(
    payload,
    sql`update feeds set title = ${feed.title}, path = ${feed.path}, etag = ${feed.etag}, last_modified = ${feed.lastModified.toISOString()},
          item_count = ${feed.itemCount}, entry_keys = ${feed.entryKeys}, changed_by_event = ${feed.changedByEvent},
          rss = ${feed.bodies.rss}, atom = ${feed.bodies.atom}, json = ${feed.bodies.json},
          built_token = ${token}, generation = generation + 1, updated_at = ${now.toISOString()}
        where scope = ${scope} and built_token < ${token}
        returning generation`,
  )
  return rows.length === 1 ? Number(rows[0]!.generation) : undefined
}
