import { DeliveryError } from '@/delivery/errors'

/**
 * A network's refusal as a social post records it. A refused credential concerns one account, so
 * unlike email it pauses nothing: the post fails with words saying what to fix.
 */
export function socialFailure(error: DeliveryError, credential: string): DeliveryError {
  if (!error.pausesChannel) return error
  return new DeliveryError(`${error.message}. The account's ${credential} was refused: update it in the social account, then post again.`, { retryable: false, cause: error })
}
