import config from '@payload-config'
import { getPayload } from 'payload'

import { getEnv } from '@/lib/env'
import { appQueues } from '@/ops/app-queues'
import { metricsText } from '@/ops/probes'

export const dynamic = 'force-dynamic'

/** The app's Prometheus metrics, with every queue's depth and oldest waiting job. */
export async function GET(request: Request): Promise<Response> {
  await appQueues(await getPayload({ config }))
  return metricsText(request, getEnv().METRICS_TOKEN)
}
