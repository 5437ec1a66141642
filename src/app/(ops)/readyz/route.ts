import config from '@payload-config'
import { getPayload } from 'payload'

import { appRedis } from '@/lib/app-redis'
import { getEnv } from '@/lib/env'
import { noPageHeaders, withHeaders } from '@/lib/http/security-headers'
import { databaseCheck, redisCheck } from '@/ops/health'
import { readiness } from '@/ops/probes'

export const dynamic = 'force-dynamic'

/** The app can serve: its database and Redis (rate limits, queues) answer. */
export async function GET(): Promise<Response> {
  const payload = await getPayload({ config })
  return withHeaders(await readiness({ database: databaseCheck(payload), redis: redisCheck(appRedis) }), noPageHeaders(getEnv()))
}
