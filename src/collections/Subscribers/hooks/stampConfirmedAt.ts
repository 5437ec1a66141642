import type { FieldHook } from 'payload'

/**
 * When the person became a confirmed subscriber: a campaign goes to those confirmed before it was
 * created, so someone who confirms half-way through a send is not added to its later batches.
 */
export const stampConfirmedAt: FieldHook = ({ value, siblingData, originalDoc }) => {
  if (siblingData?.status !== 'confirmed') return null
  if (originalDoc?.status === 'confirmed' && originalDoc.confirmedAt) return originalDoc.confirmedAt
  return value ?? new Date().toISOString()
}
