import type { ChannelRegistration } from '@/jobs/channel-registration'

import { EmailChannel } from './email-channel'
import { SendGridMailer } from './sendgrid-mailer'

/** Alerts to confirmed subscribers through SendGrid, in batches; corrections to those who got the alert. */
export const emailChannel: ChannelRegistration = {
  name: 'email',
  unavailable: (env) => (env.SENDGRID_API_KEY ? undefined : 'SENDGRID_API_KEY is not set'),
  start: ({ payload, env }) => ({ port: new EmailChannel(payload, env, new SendGridMailer(env.SENDGRID_API_KEY!, env.SENDGRID_BASE_URL)) }),
}
