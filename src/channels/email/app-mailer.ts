import { SendGridMailer } from '@/channels/email/sendgrid-mailer'
import { getEnv } from '@/lib/env'

let mailer: SendGridMailer | undefined

/** The app's own sender of one-off messages (confirmation links); undefined without SENDGRID_API_KEY. */
export function appMailer(): SendGridMailer | undefined {
  const env = getEnv()
  if (!env.SENDGRID_API_KEY) return undefined
  mailer ??= new SendGridMailer(env.SENDGRID_API_KEY, env.SENDGRID_BASE_URL, 10_000)
  return mailer
}
