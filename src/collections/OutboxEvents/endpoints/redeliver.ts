import type { Endpoint, PayloadHandler } from 'payload'

import { refusalUnless } from '@/access/refusal'
import { logger } from '@/lib/logger'
import { redeliverEvent } from '@/collections/OutboxEvents/redeliver-event'

/**
 * POST /api/outbox-events/:id/redeliver: hands an event the pipeline never finished back to the relay
 * (editors and admins), from the delivery dashboard's "Needs you". The ledger keeps every unit
 * already sent from going out twice.
 */
const redeliver: PayloadHandler = async (req) => {
  const refused = refusalUnless(req, ['editor', 'admin'], 'Only editors and admins can send an event again.')
  if (refused) return refused
  const event = await req.payload.findByID({ collection: 'outbox-events', id: req.routeParams?.id as string, depth: 0, disableErrors: true })
  if (!event) return Response.json({ message: 'No such event.' }, { status: 404 })
  if (event.completedAt) return Response.json({ message: 'This event has finished; act on its deliveries instead.' }, { status: 409 })
  await redeliverEvent(req.payload, event.id)
  logger.info({ eventId: event.id, userId: req.user!.id }, 'event handed back to the relay by staff')
  return Response.json({ message: 'Handed back to the queues: every channel goes through it again, skipping what was sent.' }, { status: 202 })
}

export const outboxEventEndpoints: Endpoint[] = [{ path: '/:id/redeliver', method: 'post', handler: redeliver }]
