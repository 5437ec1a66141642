import { liveness } from '@/ops/probes'

export const dynamic = 'force-dynamic'

/** The app process is up. */
export function GET(): Response {
  return liveness()
}
