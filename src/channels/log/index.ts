import type { ChannelRegistration } from '@/jobs/channel-registration'

import { LogChannel } from './log-channel'

/** A line per event: for operators, and the spine's own tests. */
export const logChannel: ChannelRegistration = {
  name: 'log',
  start: ({ logger, env }) => ({ port: new LogChannel(logger, env.LOG_CHANNEL_FILE) }),
}
