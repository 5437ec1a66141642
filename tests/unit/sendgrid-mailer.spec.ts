import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { startMailSink, type MailSink } from '../../dev/mail-sink/sendgrid-sink'
import { SendGridMailer, type OutgoingBatch } from '../../src/channels/email/sendgrid-mailer'
import { DeliveryError } from '../../src/delivery/errors'
import { freePort } from '../helpers/free-port'

const KEY = 'SG.unit-test-key'
let sink: MailSink

beforeAll(async () => {
  sink = await startMailSink({ apiKey: KEY })
})
afterAll(async () => {
  await sink.close()
})

const batch = (count: number, overrides: Partial<OutgoingBatch> = {}): OutgoingBatch => ({
  from: { email: 'alerts@example.org', name: 'Alerts' },
  subject: 'Subject & more',
  html: '<p>Hello</p><a href="{{preferences_url}}">Preferences</a><a href="{{unsubscribe_url}}">Unsubscribe</a>',
  text: 'Hello\nPreferences: {{preferences_url}}\nUnsubscribe: {{unsubscribe_url}}',
  recipients: Array.from({ length: count }, (_, n) => ({
    email: `person-${n}@example.net`,
    substitutions: { '{{unsubscribe_url}}': `https://example.org/unsubscribe?token=${n}`, '{{preferences_url}}': `https://example.org/preferences?token=p${n}` },
    headers: { 'List-Unsubscribe': `<https://example.org/unsubscribe?token=${n}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    customArgs: { campaign: '1', batch: 'batch-00000', subscriber: String(n) },
  })),
  ...overrides,
})

const failure = async (promise: Promise<unknown>): Promise<DeliveryError> => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(DeliveryError)
  return error as DeliveryError
}

describe('SendGridMailer, through the official client, against the SendGrid-compatible sink', () => {
  it('sends one request with a personalization per recipient: their links, their headers, custom_args', async () => {
    const before = sink.messages.length
    const messageId = await new SendGridMailer(KEY, sink.url).send(batch(3))
    expect(messageId).toMatch(/^[\w-]{10,}$/)
    const sent = sink.messages.slice(before)
    expect(sent.map((message) => message.to)).toEqual(['person-0@example.net', 'person-1@example.net', 'person-2@example.net'])
    expect(sent[1]).toMatchObject({
      messageId,
      from: 'alerts@example.org',
      subject: 'Subject & more',
      text: 'Hello\nPreferences: https://example.org/preferences?token=p1\nUnsubscribe: https://example.org/unsubscribe?token=1',
      html: '<p>Hello</p><a href="https://example.org/preferences?token=p1">Preferences</a><a href="https://example.org/unsubscribe?token=1">Unsubscribe</a>',
      headers: { 'List-Unsubscribe': '<https://example.org/unsubscribe?token=1>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      customArgs: { campaign: '1', batch: 'batch-00000', subscriber: '1' },
    })
  })

  it('turns a wrong key into a final failure with SendGrid’s words', async () => {
    const error = await failure(new SendGridMailer('SG.wrong', sink.url).send(batch(1)))
    expect(error).toMatchObject({ retryable: false, message: 'SendGrid answered 401: The provided authorization grant is invalid, expired, or revoked' })
  })

  it('turns a request SendGrid refuses (over 1,000 recipients) into a final failure naming the field', async () => {
    const error = await failure(new SendGridMailer(KEY, sink.url).send(batch(1001)))
    expect(error.retryable).toBe(false)
    expect(error.message).toMatch(/^SendGrid answered 400: personalizations: .*1000/)
  })

  it('turns 429 into a slow-down for as long as SendGrid asks, and 500 or no answer into a retry', async () => {
    sink.setFaults({ rate429: 1, retryAfterSeconds: 7 })
    const limited = await failure(new SendGridMailer(KEY, sink.url).send(batch(1)))
    expect(limited).toMatchObject({ retryable: true, retryAfterMs: 7000 })
    sink.setFaults({ rate429: 0, rate500: 1 })
    const broken = await failure(new SendGridMailer(KEY, sink.url).send(batch(1)))
    expect(broken).toMatchObject({ retryable: true, retryAfterMs: undefined, message: 'SendGrid answered 500: Internal server error' })
    sink.setFaults({ rate500: 0 })
    const nobody = await failure(new SendGridMailer(KEY, `http://127.0.0.1:${await freePort()}`).send(batch(1)))
    expect(nobody.retryable).toBe(true)
    expect(nobody.message).toMatch(/^Could not reach SendGrid: /)
  })
})
