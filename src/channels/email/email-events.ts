/** The SendGrid event types we record (https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/event). */
export const EMAIL_EVENT_TYPES = ['processed', 'deferred', 'delivered', 'open', 'click', 'bounce', 'dropped', 'spamreport', 'unsubscribe', 'group_unsubscribe'] as const
export type EmailEventType = (typeof EMAIL_EVENT_TYPES)[number]

/** What an event does to the subscriber: these stop every future send to the address. */
export const SUPPRESSING: Partial<Record<EmailEventType, 'bounced' | 'complained' | 'unsubscribed'>> = {
  bounce: 'bounced',
  dropped: 'bounced',
  spamreport: 'complained',
  unsubscribe: 'unsubscribed',
  group_unsubscribe: 'unsubscribed',
}
