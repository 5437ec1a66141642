import { EventWebhook, EventWebhookHeader } from '@sendgrid/eventwebhook'

const webhook = new EventWebhook()

export const SIGNATURE_HEADER = EventWebhookHeader.SIGNATURE()
export const TIMESTAMP_HEADER = EventWebhookHeader.TIMESTAMP()

/** SendGrid's own check of an Event Webhook request: ECDSA over the timestamp and the raw body. */
export function verifySendGridSignature(publicKey: string, rawBody: string, signature: string, timestamp: string): boolean {
  try {
    return webhook.verifySignature(webhook.convertPublicKeyToECDSA(publicKey), rawBody, signature, timestamp)
  } catch {
    return false // a key or signature that does not even parse
  }
}
