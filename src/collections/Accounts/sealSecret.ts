import { APIError, type FieldHook } from 'payload'

import { credentialsKey, isSealed, seal } from '@/lib/credential-seal'
import { getEnv } from '@/lib/env'

/**
 * Seals a credential as it is saved, so the database never holds it in clear; an unchanged (already
 * sealed) or omitted value is kept as it is.
 */
export const sealSecret: FieldHook = ({ value, originalDoc }) => {
  if (typeof value !== 'string' || value === '') return originalDoc?.secret
  if (isSealed(value)) return value
  try {
    return seal(value, credentialsKey(getEnv()))
  } catch (error) {
    throw new APIError(error instanceof Error ? error.message : String(error), 400, undefined, true)
  }
}
