/**
 * Whether a value from a request can be compared with stored text. PostgreSQL text cannot hold the NUL
 * character, and a query given one fails whole ("invalid byte sequence for encoding UTF8: 0x00"): such
 * a value matches nothing, so it is never looked up.
 */
export const canMatchText = (value: string) => !value.includes('\u0000')
