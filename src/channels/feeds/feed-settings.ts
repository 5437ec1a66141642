import type { Payload } from 'payload'

import type { Env } from '@/lib/env'
import { siteBaseUrl } from '@/site/site-url'

import type { FeedSettings } from './assemble-feed'

/** The settings feeds take from the environment. */
export type FeedEnv = Pick<Env, 'PUBLIC_URL' | 'FEED_ITEMS' | 'FEED_TTL_MINUTES' | 'WEBSUB_HUB_URL' | 'FEEDS_DIR'>

/** Read for every build, so a change of the organisation's name or address shows in the next one. */
export async function feedSettings(payload: Payload, env: FeedEnv): Promise<FeedSettings> {
  const site = await payload.findGlobal({ slug: 'site', depth: 0 })
  return {
    siteUrl: siteBaseUrl(site.publicUrl, env),
    organisation: site.organisationName,
    itemCount: env.FEED_ITEMS,
    ttlMinutes: env.FEED_TTL_MINUTES,
    ...(env.WEBSUB_HUB_URL ? { hubUrl: env.WEBSUB_HUB_URL } : {}),
  }
}
