import type { FieldHook } from 'payload'

import { oneLine, withoutControlCharacters } from '@/domain/plain-text'

/** Cleans a text field as it is saved (src/domain/plain-text.ts), so the database and every output hold the same text. */
export const cleanText =
  (lines: 'one' | 'many'): FieldHook =>
  ({ value }) =>
    typeof value === 'string' ? (lines === 'one' ? oneLine(value) : withoutControlCharacters(value)) : value
