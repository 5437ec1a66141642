import type { PayloadHandler, PayloadRequest } from 'payload'

import { clientIp, MAX_SIGN_UP_BYTES, signUp, signUpRequest, type SignUpInput } from '@/lib/subscribers/sign-up'

const answer = (status: number, message: string, headers: Record<string, string> = {}) => Response.json({ message }, { status, headers })

async function readBody(req: PayloadRequest): Promise<unknown> {
  const text = (await req.text?.()) ?? ''
  if (Buffer.byteLength(text) > MAX_SIGN_UP_BYTES) throw Object.assign(new Error('too large'), { status: 413 })
  const type = req.headers.get('content-type') ?? ''
  if (type.startsWith('application/x-www-form-urlencoded')) {
    const form = new URLSearchParams(text)
    return { email: form.get('email') ?? '', topics: form.getAll('topics'), urgentOnly: form.get('urgentOnly') === 'on' || form.get('urgentOnly') === 'true' }
  }
  if (!type.startsWith('application/json')) throw Object.assign(new Error('type'), { status: 415 })
  return JSON.parse(text)
}

/**
 * POST /api/subscribers/subscribe (JSON or a form): a sign-up (`signUp`), answered in JSON. Bad input
 * gets a 400/413/415 with a sentence saying what to fix, and stores nothing.
 */
export const subscribe: PayloadHandler = async (req) => {
  const length = Number(req.headers.get('content-length') ?? 0)
  if (length > MAX_SIGN_UP_BYTES) return answer(413, 'The request is too large.')
  let input: SignUpInput
  try {
    const parsed = signUpRequest.safeParse(await readBody(req))
    if (!parsed.success) return answer(400, parsed.error.issues[0]!.message)
    input = parsed.data
  } catch (error) {
    const status = (error as { status?: number }).status
    if (status === 413) return answer(413, 'The request is too large.')
    if (status === 415) return answer(415, 'Send the form as application/json or application/x-www-form-urlencoded.')
    return answer(400, 'The request could not be read: send JSON such as {"email": "name@example.org"}.')
  }
  const outcome = await signUp(req.payload, input, clientIp(req.headers))
  return answer(outcome.status, outcome.message, outcome.retryAfter ? { 'retry-after': String(outcome.retryAfter) } : {})
}
