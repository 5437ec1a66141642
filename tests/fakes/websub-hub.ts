import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { readBody } from '../../dev/request-body'

export type HubPing = { url: string; at: number }

export type FakeWebSubHub = {
  url: string
  /** Publish requests the hub accepted, in order. */
  pings: HubPing[]
  /** Requests it refused, with the status it answered. */
  refused: { status: number; reason: string }[]
  /** The next `count` valid requests are answered with `status` (503, 429…) instead of accepted. */
  failNext: (count: number, status: number, headers?: Record<string, string>) => void
  close: () => Promise<void>
}

const MAX_BODY = 64 * 1024

/**
 * A WebSub hub's publish endpoint as the public hubs run it (pubsubhubbub.appspot.com, Superfeedr):
 * a form-encoded POST with hub.mode=publish and the topic in hub.url (or hub.topic); 204 when taken,
 * 400 with a reason when the request is wrong, 405 for other methods.
 */
export async function startFakeWebSubHub(): Promise<FakeWebSubHub> {
  const pings: HubPing[] = []
  const refused: FakeWebSubHub['refused'] = []
  let failures: { count: number; status: number; headers: Record<string, string> } = { count: 0, status: 0, headers: {} }

  const server = http.createServer((request, response) => {
    const refuse = (status: number, reason: string) => {
      refused.push({ status, reason })
      response.writeHead(status, { 'content-type': 'text/plain' }).end(reason)
    }
    if (request.method !== 'POST') return refuse(405, 'Only POST is supported')
    void readBody(request, MAX_BODY).then((raw) => {
      if (!raw) return refuse(413, 'Request body too large')
      if (!(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
        return refuse(400, 'Content-Type must be application/x-www-form-urlencoded')
      }
      const form = new URLSearchParams(raw.toString('utf8'))
      if (form.get('hub.mode') !== 'publish') return refuse(400, `Unrecognized hub.mode: ${form.get('hub.mode') ?? '(none)'}`)
      const topic = form.get('hub.url') ?? form.get('hub.topic')
      if (!topic || !/^https?:\/\/[^\s]+$/.test(topic)) return refuse(400, 'hub.url must be an absolute http(s) URL')
      if (failures.count > 0) {
        failures.count--
        refused.push({ status: failures.status, reason: 'told to fail' })
        return response.writeHead(failures.status, { 'content-type': 'text/plain', ...failures.headers }).end('Hub temporarily unavailable')
      }
      pings.push({ url: topic, at: Date.now() })
      response.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/`,
    pings,
    refused,
    failNext: (count, status, headers = {}) => {
      failures = { count, status, headers }
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
