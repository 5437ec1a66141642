import type { DateFieldValidation } from 'payload'

/** An expiry before the item went out would hide it the moment it is published. */
export const expiresAfterPublication: DateFieldValidation = (value, { siblingData }) => {
  if (!value) return true
  const expires = new Date(value)
  const published = (siblingData as { publishedAt?: string | null }).publishedAt
  const floor = published ? new Date(published) : new Date()
  if (expires <= floor) {
    return published
      ? 'The expiry must be after the time the announcement was first published.'
      : 'The expiry must be in the future.'
  }
  return true
}
