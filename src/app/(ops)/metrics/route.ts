import config from '@payload-config'
import { getPayload } from 'payload'

import { getEnv } from '@/lib/env'
import { noPageHeaders, withHeaders } from '@/lib/http/security-headers'
import { appQueues } from '@/ops/app-queues'
import { metricsText } from '@/ops/probes'

export const dynamic = 'force-dynamic'

/** The app's Prometheus metrics, with every queue's depth and oldest waiting job. */
export async function GET(request: Request): Promise<Response> {
  await appQueues(await getPayload({ config }))
  const env = getEnv()
  return withHeaders(await metricsText(request, env.METRICS_TOKEN), noPageHeaders(env))
}
