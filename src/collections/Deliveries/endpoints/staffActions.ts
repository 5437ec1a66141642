import type { Endpoint, PayloadHandler, PayloadRequest } from 'payload'

import { refusalUnless } from '@/access/refusal'
import { compareAndSetDelivery } from '@/lib/ledger-store'
import { logger } from '@/lib/logger'
import { redeliverEvent } from '@/collections/OutboxEvents/redeliver-event'
import type { Delivery } from '@/payload-types'

type Outcome = { status: number; message: string }
type Action = (req: PayloadRequest, delivery: Delivery) => Promise<Outcome>

const eventIdOf = (delivery: Delivery) => (typeof delivery.event === 'object' ? delivery.event.id : delivery.event)

/** Retry a failed unit: the relay adds the event's flow again and the unit is attempted once more. */
const retry: Action = async (req, delivery) => {
  if (delivery.state !== 'failed') return { status: 409, message: `Only a failed delivery can be retried; this one is ${delivery.state}.` }
  await redeliverEvent(req.payload, eventIdOf(delivery))
  return { status: 202, message: 'Queued for another attempt.' }
}

/** Resend an in-doubt unit: staff accept that some recipients may get it twice. */
const resend: Action = async (req, delivery) => {
  if (delivery.state !== 'in_doubt') return { status: 409, message: `Only an in-doubt delivery can be resent; this one is ${delivery.state}.` }
  // The event first: if the move below loses a race, the new flow finds the unit still in doubt and holds it.
  await redeliverEvent(req.payload, eventIdOf(delivery))
  const moved = await compareAndSetDelivery(req.payload, delivery.id, ['in_doubt'], 'pending', { resolvedBy: req.user!.id })
  return moved ? { status: 202, message: 'Queued to be sent again.' } : { status: 409, message: 'Someone else changed this delivery; reload to see where it is.' }
}

/** Mark an in-doubt unit delivered: staff checked with the provider that it went out. */
const markSent: Action = async (req, delivery) => {
  if (delivery.state !== 'in_doubt') return { status: 409, message: `Only an in-doubt delivery can be marked as sent; this one is ${delivery.state}.` }
  const moved = await compareAndSetDelivery(req.payload, delivery.id, ['in_doubt'], 'sent', {
    resolvedBy: req.user!.id,
    sentAt: new Date(),
    detail: `Marked as delivered by ${req.user!.email ?? 'staff'}`,
  })
  return moved ? { status: 200, message: 'Marked as sent.' } : { status: 409, message: 'Someone else changed this delivery; reload to see where it is.' }
}

const handler =
  (name: string, action: Action): PayloadHandler =>
  async (req) => {
    const refused = refusalUnless(req, ['editor', 'admin'], 'Only editors and admins can act on deliveries.')
    if (refused) return refused
    const id = req.routeParams?.id as string
    const delivery = await req.payload.findByID({ collection: 'deliveries', id, depth: 0, disableErrors: true })
    if (!delivery) return Response.json({ message: 'No such delivery.' }, { status: 404 })
    const outcome = await action(req, delivery)
    logger.info({ deliveryId: delivery.id, action: name, userId: req.user!.id, status: outcome.status }, `delivery ${name}`)
    return Response.json({ message: outcome.message }, { status: outcome.status })
  }

export const deliveryEndpoints: Endpoint[] = [
  { path: '/:id/retry', method: 'post', handler: handler('retry', retry) },
  { path: '/:id/resend', method: 'post', handler: handler('resend', resend) },
  { path: '/:id/mark-sent', method: 'post', handler: handler('mark-sent', markSent) },
]
