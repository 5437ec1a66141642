import { timingSafeEqual } from 'node:crypto'

import { type Check, healthResponse, runChecks } from './health'
import { metrics } from './metrics'

/** /healthz: the process is up and serving (no dependency is asked). */
export const liveness = (): Response => Response.json({ status: 'ok' }, { headers: { 'cache-control': 'no-store' } })

/** /readyz: every dependency this process needs answers; 503 naming the one that does not. */
export const readiness = async (checks: Record<string, Check>): Promise<Response> => healthResponse(await runChecks(checks))

const sameToken = (given: string, expected: string) => {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * /metrics: Prometheus text, for a scraper that sends `Authorization: Bearer <METRICS_TOKEN>`. Without
 * METRICS_TOKEN the endpoint is off (404), so nothing is exposed by default.
 */
export async function metricsText(request: Request, token: string | undefined): Promise<Response> {
  if (!token) return Response.json({ message: 'Metrics are off: set METRICS_TOKEN to turn them on.' }, { status: 404 })
  const given = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1] ?? ''
  if (!sameToken(given, token)) {
    return Response.json({ message: 'Send the metrics token: Authorization: Bearer <METRICS_TOKEN>.' }, { status: 401, headers: { 'www-authenticate': 'Bearer' } })
  }
  return new Response(await metrics.metrics(), { headers: { 'content-type': metrics.contentType, 'cache-control': 'no-store' } })
}
