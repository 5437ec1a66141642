import type { ChannelRegistration } from '@/jobs/channel-registration'

import { FeedChannel } from './feed-channel'
import { WebSubHub } from './websub-hub'

/** RSS, Atom and JSON Feed: rebuilt per event, stored for the app and written to FEEDS_DIR; WebSub pings. */
export const feedsChannel: ChannelRegistration = {
  name: 'feeds',
  start: ({ payload, env }) => ({ port: new FeedChannel(payload, env, env.WEBSUB_HUB_URL ? new WebSubHub(env.WEBSUB_HUB_URL) : undefined) }),
}
