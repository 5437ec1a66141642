import config from '@payload-config'
import { getPayload } from 'payload'

import { hasRole } from '@/access/roles'
import { logger } from '@/lib/logger'
import { queueDashboard } from '@/ops/queue-dashboard'

export const dynamic = 'force-dynamic'

/** The queue dashboard (bull-board), for signed-in admins only: 401 for anyone else, 403 for other staff. */
async function handle(request: Request): Promise<Response> {
  const payload = await getPayload({ config })
  const { user } = await payload.auth({ headers: request.headers })
  if (!user) return Response.json({ message: 'Sign in to the admin as an admin to see the queues.' }, { status: 401 })
  if (!hasRole(user as { role?: 'admin' | 'editor' | 'author' }, 'admin')) {
    logger.info({ userId: user.id, path: new URL(request.url).pathname }, 'queue dashboard refused: not an admin')
    return Response.json({ message: 'Only admins can see the queues.' }, { status: 403 })
  }
  return (await queueDashboard(payload)).fetch(request)
}

export const GET = handle
export const POST = handle
export const PUT = handle
export const DELETE = handle
