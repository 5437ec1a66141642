import { serve } from '@hono/node-server'
import { Hono } from 'hono'

import type { Check } from './health'
import { liveness, metricsText, readiness } from './probes'

export type OpsServer = { port: number; close: () => Promise<void> }

/**
 * The worker's own small HTTP server, for docker-compose healthchecks and a Prometheus scraper:
 * /healthz (the process is up), /readyz (`checks`: database, Redis, the queues) and /metrics
 * (bearer METRICS_TOKEN). Port 0 picks a free one (tests).
 */
export async function startOpsServer(options: { port: number; host?: string; checks: Record<string, Check>; metricsToken?: string }): Promise<OpsServer> {
  const app = new Hono()
  app.get('/healthz', () => liveness())
  app.get('/readyz', () => readiness(options.checks))
  app.get('/metrics', (c) => metricsText(c.req.raw, options.metricsToken))
  app.notFound(() => Response.json({ message: 'Not found: this server answers /healthz, /readyz and /metrics.' }, { status: 404 }))
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: options.port, hostname: options.host ?? '0.0.0.0' }, (info) =>
      resolve({ port: info.port, close: () => new Promise<void>((done) => server.close(() => done())) }),
    )
  })
}
