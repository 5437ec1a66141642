import http from 'node:http'
import type { AddressInfo } from 'node:net'

import { Webhook } from 'standardwebhooks'
import { readBody } from '../../dev/request-body'

export type ReceivedWebhook = { id: string; body: Record<string, unknown>; headers: http.IncomingHttpHeaders }

export type FakeWebhookReceiver = {
  url: string
  /** Messages whose signature verified, in order (repeats of an id included: the receiver keeps all). */
  received: ReceivedWebhook[]
  /** Requests refused, with the status answered and why. */
  refused: { status: number; reason: string }[]
  failNext: (count: number, status: number) => void
  close: () => Promise<void>
}

const MAX_BODY = 256 * 1024

/**
 * A service receiving Standard Webhooks (as Buffer-style tools and automation services take them):
 * it verifies `webhook-signature` over id, timestamp and body with the spec's own library, refuses a
 * bad or stale signature with 401, and answers 200 with its own id for the post.
 */
export async function startFakeWebhookReceiver(secret: string): Promise<FakeWebhookReceiver> {
  const verifier = new Webhook(secret)
  const received: ReceivedWebhook[] = []
  const refused: FakeWebhookReceiver['refused'] = []
  let failures = { count: 0, status: 0 }
  const server = http.createServer((request, response) => {
    const refuse = (status: number, reason: string) => {
      refused.push({ status, reason })
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: reason }))
    }
    if (request.method !== 'POST') return refuse(405, 'Only POST is accepted')
    void readBody(request, MAX_BODY).then((raw) => {
      if (!raw) return refuse(413, 'Body too large')
      let body: Record<string, unknown>
      try {
        body = verifier.verify(raw.toString('utf8'), request.headers as Record<string, string>) as Record<string, unknown>
      } catch (error) {
        return refuse(401, `Signature check failed: ${(error as Error).message}`)
      }
      if (failures.count > 0) {
        failures.count--
        return refuse(failures.status, 'told to fail')
      }
      received.push({ id: String(request.headers['webhook-id']), body, headers: request.headers })
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `hook-${received.length}`, url: `https://hooks.example/posts/${received.length}` }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hooks/announcements`,
    received,
    refused,
    failNext: (count, status) => {
      failures = { count, status }
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
