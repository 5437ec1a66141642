import fs from 'node:fs/promises'
import path from 'node:path'

import { FEED_FILES, FEED_FORMATS, type FeedFormat } from '@/channels/feeds/feed'

/**
 * Beside a feed's files, the ETag of the content they hold, written after them: a worker killed
 * between storing a feed and writing its files (or between two renames) leaves a stamp that does not
 * match the stored feed, and the next build of that feed writes the files again. The static server
 * serves only the feed files, never this one.
 */
const STAMP = '.feed-etag'

function feedDir(feedsDir: string, feedPath: string): string {
  const resolved = path.resolve(path.join(feedsDir, ...decodeURIComponent(feedPath).split('/').filter(Boolean)))
  if (!resolved.startsWith(path.resolve(feedsDir))) throw new Error(`Feed path ${feedPath} leaves FEEDS_DIR`)
  return resolved
}

/**
 * Writes a feed's three files under FEEDS_DIR at the paths the URLs use, for a static server in front
 * of the app, then its stamp. Each file is written beside its target and renamed over it, so a reader
 * never sees half a feed. `stillCurrent` is asked just before the renames: a build overtaken by a
 * newer one leaves the newer files in place.
 */
export async function writeFeedFiles(
  feedsDir: string,
  feedPath: string,
  feed: { etag: string; bodies: Record<FeedFormat, string> },
  stillCurrent: () => Promise<boolean>,
): Promise<boolean> {
  const dir = feedDir(feedsDir, feedPath)
  await fs.mkdir(dir, { recursive: true })
  const suffix = `.${process.pid}.${Date.now()}.tmp`
  const staged = await Promise.all(
    [...FEED_FORMATS.map((format) => ({ name: FEED_FILES[format], content: feed.bodies[format] })), { name: STAMP, content: feed.etag }].map(async ({ name, content }) => {
      const target = path.join(dir, name)
      await fs.writeFile(target + suffix, content)
      return { target, temporary: target + suffix }
    }),
  )
  const current = await stillCurrent()
  // The stamp is last in the list: renamed only once the files it vouches for are in place.
  for (const { target, temporary } of staged) {
    if (current) await fs.rename(temporary, target)
    else await fs.rm(temporary, { force: true })
  }
  return current
}

/** Whether the files under FEEDS_DIR hold the feed whose ETag is `etag` (all of them written, the stamp last). */
export async function feedFilesHold(feedsDir: string, feedPath: string, etag: string): Promise<boolean> {
  try {
    return (await fs.readFile(path.join(feedDir(feedsDir, feedPath), STAMP), 'utf8')) === etag
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw error
  }
}
