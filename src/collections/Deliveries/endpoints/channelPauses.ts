import type { Endpoint, Payload, PayloadHandler } from 'payload'

import { appRedis } from '@/lib/app-redis'
import { ChannelPauses } from '@/jobs/channel-pauses'
import { getEnv } from '@/lib/env'
import { installationNamespace } from '@/lib/installation'
import { refusalUnless } from '@/access/refusal'
import { logger } from '@/lib/logger'

const pauses = async (payload: Payload) => new ChannelPauses(await appRedis(), await installationNamespace(payload, getEnv().QUEUE_PREFIX))

const unavailable = (error: unknown) => {
  logger.error({ err: error instanceof Error ? error.message : String(error) }, 'channel pauses: Redis did not answer')
  return Response.json({ message: 'The queues cannot be reached just now; try again in a moment.' }, { status: 503 })
}

/** GET: the channels paused because a provider refused our credentials, with the reason (any staff). */
const list: PayloadHandler = async (req) => {
  if (!req.user) return Response.json({ message: 'Sign in to see the channels.' }, { status: 401 })
  try {
    return Response.json({ paused: await (await pauses(req.payload)).list() })
  } catch (error) {
    return unavailable(error)
  }
}

/** POST: resume a paused channel once its credentials are fixed (editors and admins). */
const resume: PayloadHandler = async (req) => {
  const refused = refusalUnless(req, ['editor', 'admin'], 'Only editors and admins can resume a channel.')
  if (refused) return refused
  const channel = String(req.routeParams?.channel ?? '')
  try {
    const paused = await (await pauses(req.payload)).list()
    if (!paused.some((pause) => pause.channel === channel)) return Response.json({ message: `The ${channel} channel is not paused.` }, { status: 409 })
    await (await pauses(req.payload)).resume(channel)
  } catch (error) {
    return unavailable(error)
  }
  logger.info({ channel, userId: req.user!.id }, 'channel resumed by staff')
  return Response.json({ message: `The ${channel} channel is sending again; its paused work carries on where it stopped.` })
}

export const channelPauseEndpoints: Endpoint[] = [
  { path: '/paused-channels', method: 'get', handler: list },
  { path: '/paused-channels/:channel/resume', method: 'post', handler: resume },
]
