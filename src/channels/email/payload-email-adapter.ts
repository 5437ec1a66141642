import type { EmailAdapter, Payload, SendEmailOptions } from 'payload'

import type { Env } from '@/lib/env'

import { SendGridMailer } from './sendgrid-mailer'

/**
 * Stands for "the sender set in the Site settings". Payload formats a message's From from the
 * adapter's default once, at start; this placeholder lets staff change the sender without a restart.
 */
const SITE_SENDER = 'site-sender@invalid'

type Address = string | { address: string; name?: string }

const parse = (address: Address | undefined): { email: string; name: string } | undefined => {
  if (!address) return undefined
  if (typeof address === 'object') return { email: address.address, name: address.name ?? '' }
  const match = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(address)
  return match ? { email: match[2]!.trim(), name: match[1]!.trim() } : { email: address.trim(), name: '' }
}

/**
 * Payload's own messages (password resets, account verification) sent through SendGrid like every
 * other email, from EMAIL_FROM_ADDRESS or else the Site settings' sender. Undefined without
 * SENDGRID_API_KEY: Payload then writes them to the log.
 */
export function sendGridEmailAdapter(env: Pick<Env, 'SENDGRID_API_KEY' | 'SENDGRID_BASE_URL' | 'EMAIL_FROM_ADDRESS' | 'EMAIL_FROM_NAME'>): EmailAdapter | undefined {
  if (!env.SENDGRID_API_KEY) return undefined
  const mailer = new SendGridMailer(env.SENDGRID_API_KEY, env.SENDGRID_BASE_URL, 10_000)
  const send = async (payload: Payload, message: SendEmailOptions) => {
    let from = parse(message.from as Address | undefined) ?? { email: SITE_SENDER, name: env.EMAIL_FROM_NAME }
    if (from.email === SITE_SENDER) {
      const site = await payload.findGlobal({ slug: 'site', depth: 0 })
      if (!site.senderEmail) throw new Error('Cannot send email: set "Sender email" in the Site settings (or EMAIL_FROM_ADDRESS).')
      from = { email: site.senderEmail, name: from.name || site.senderName || site.organisationName }
    }
    const recipients = ([] as Address[]).concat((message.to as Address | Address[] | undefined) ?? [])
    const html = typeof message.html === 'string' ? message.html : undefined
    const text = typeof message.text === 'string' ? message.text : undefined
    await Promise.all(recipients.map((to) => mailer.sendOne({ from, to: parse(to)!.email, subject: message.subject ?? '', html, text })))
  }
  return ({ payload }) => ({
    name: 'sendgrid',
    defaultFromAddress: env.EMAIL_FROM_ADDRESS ?? SITE_SENDER,
    defaultFromName: env.EMAIL_FROM_NAME,
    // Payload sends from inside its operation's transaction. Reading the Site settings there would wait
    // for that very transaction on the embedded database (one session), so the message is handed off
    // and goes out once the operation has finished; a failure is logged for staff.
    sendEmail: async (message: SendEmailOptions) => {
      setImmediate(() => {
        send(payload, message).catch((error: unknown) =>
          payload.logger.error({ err: error instanceof Error ? error.message : String(error), subject: message.subject }, 'Payload email could not be sent'),
        )
      })
    },
  })
}
