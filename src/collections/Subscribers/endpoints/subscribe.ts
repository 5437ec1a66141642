import type { PayloadHandler, PayloadRequest } from 'payload'

import { BodyTooLarge, boundedText } from '@/lib/http/bounded-body'
import { clientIp } from '@/lib/http/client-ip'
import { logger } from '@/lib/logger'
import { MAX_SIGN_UP_BYTES, signUp, signUpRequest, type SignUpInput } from '@/subscribers/sign-up'

const answer = (status: number, message: string, headers: Record<string, string> = {}) => Response.json({ message }, { status, headers })

/** A request that is not a sign-up at all: the sentence for the sender, a line for staff. */
function refuse(status: number, message: string): Response {
  logger.info({ route: 'subscribe', status, reason: message }, 'sign-up refused')
  return answer(status, message)
}

async function readBody(req: PayloadRequest): Promise<unknown> {
  const type = req.headers.get('content-type') ?? ''
  const isForm = type.startsWith('application/x-www-form-urlencoded')
  if (!isForm && !type.startsWith('application/json')) throw Object.assign(new Error('type'), { status: 415 })
  const text = await boundedText(req, MAX_SIGN_UP_BYTES, 'subscribe')
  if (text instanceof BodyTooLarge) throw text
  if (isForm) {
    const form = new URLSearchParams(text)
    return { email: form.get('email') ?? '', topics: form.getAll('topics'), urgentOnly: form.get('urgentOnly') === 'on' || form.get('urgentOnly') === 'true' }
  }
  return JSON.parse(text)
}

/**
 * POST /api/subscribers/subscribe (JSON or a form): a sign-up (`signUp`), answered in JSON. Bad input
 * gets a 400/413/415 with a sentence saying what to fix, and stores nothing.
 */
export const subscribe: PayloadHandler = async (req) => {
  let input: SignUpInput
  try {
    const parsed = signUpRequest.safeParse(await readBody(req))
    if (!parsed.success) return refuse(400, parsed.error.issues[0]!.message)
    input = parsed.data
  } catch (error) {
    if (error instanceof BodyTooLarge) return answer(413, error.message)
    const status = (error as { status?: number }).status
    if (status === 415) return refuse(415, 'Send the form as application/json or application/x-www-form-urlencoded.')
    return refuse(400, 'The request could not be read: send JSON such as {"email": "name@example.org"}.')
  }
  const outcome = await signUp(req.payload, input, clientIp(req.headers))
  return answer(outcome.status, outcome.message, outcome.retryAfter ? { 'retry-after': String(outcome.retryAfter) } : {})
}
