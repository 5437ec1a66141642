import fs from 'node:fs/promises'
import path from 'node:path'

import { FEED_FILES, FEED_FORMATS, type FeedFormat } from '@/domain/feeds/feed'

/**
 * Writes a feed's three files under FEEDS_DIR at the paths the URLs use, for a static server in front
 * of the app. Each file is written beside its target and renamed over it, so a reader never sees half
 * a feed. `stillCurrent` is asked just before the renames: a build overtaken by a newer one leaves the
 * newer files in place.
 */
export async function writeFeedFiles(
  feedsDir: string,
  feedPath: string,
  bodies: Record<FeedFormat, string>,
  stillCurrent: () => Promise<boolean>,
): Promise<boolean> {
  const dir = path.join(feedsDir, ...decodeURIComponent(feedPath).split('/').filter(Boolean))
  const resolved = path.resolve(dir)
  if (!resolved.startsWith(path.resolve(feedsDir))) throw new Error(`Feed path ${feedPath} leaves FEEDS_DIR`)
  await fs.mkdir(resolved, { recursive: true })
  const suffix = `.${process.pid}.${Date.now()}.tmp`
  const staged = await Promise.all(
    FEED_FORMATS.map(async (format) => {
      const target = path.join(resolved, FEED_FILES[format])
      await fs.writeFile(target + suffix, bodies[format])
      return { target, temporary: target + suffix }
    }),
  )
  const current = await stillCurrent()
  for (const { target, temporary } of staged) {
    if (current) await fs.rename(temporary, target)
    else await fs.rm(temporary, { force: true })
  }
  return current
}
