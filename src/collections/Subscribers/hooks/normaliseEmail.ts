import type { FieldHook } from 'payload'

/** One address, one row: "Ann@Example.org " and "ann@example.org" are the same person. */
export const normaliseEmail: FieldHook = ({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value)
