import { getEnv } from '@/lib/env'
import { noPageHeaders, withHeaders } from '@/lib/http/security-headers'
import { liveness } from '@/ops/probes'

export const dynamic = 'force-dynamic'

/** The app process is up. */
export function GET(): Response {
  return withHeaders(liveness(), noPageHeaders(getEnv()))
}
