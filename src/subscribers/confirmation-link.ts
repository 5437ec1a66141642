import { subscriberToken } from '@/subscribers/tokens'

/** How long a confirmation link works. */
export const CONFIRM_DAYS = 7

/** The signed, expiring one-click link that confirms a pending subscriber. */
export function confirmationUrl(secret: string, siteUrl: string, subscriberId: number | string, now = Date.now()): string {
  const token = subscriberToken(secret, 'confirm', subscriberId, new Date(now + CONFIRM_DAYS * 86_400_000))
  return `${siteUrl}/api/subscribers/confirm?token=${token}`
}
