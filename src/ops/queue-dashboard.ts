import { createBullBoard } from '@bull-board/api'
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter'
import { HonoAdapter } from '@bull-board/hono'
import { serveStatic } from '@hono/node-server/serve-static'
import { Hono } from 'hono'
import type { Payload } from 'payload'

import { appQueues } from './app-queues'

export const QUEUE_DASHBOARD_PATH = '/admin/queues'

let dashboard: Promise<Hono> | undefined

/**
 * bull-board for every queue of the installation, as a Hono app mounted at /admin/queues (the route
 * handler checks that the caller is a signed-in admin before handing it the request). Staff can see
 * each queue's jobs, retry failed ones, and pause or resume a queue; the ledger keeps a retried job
 * from sending anything twice.
 */
export function queueDashboard(payload: Payload): Promise<Hono> {
  dashboard ??= (async () => {
    const serverAdapter = new HonoAdapter(serveStatic).setBasePath(QUEUE_DASHBOARD_PATH)
    createBullBoard({
      queues: (await appQueues(payload)).map((queue) => new BullMQAdapter(queue)),
      serverAdapter,
      options: { uiConfig: { boardTitle: 'Delivery queues' } },
    })
    return new Hono().route(QUEUE_DASHBOARD_PATH, serverAdapter.registerPlugin())
  })()
  return dashboard
}
