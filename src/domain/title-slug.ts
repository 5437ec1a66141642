import { createHash } from 'node:crypto'

import slugify from '@sindresorhus/slugify'

/** Characters of a title's hash that make the slug of a title no transliteration can spell in Latin letters. */
const FALLBACK_LENGTH = 8

/**
 * A page address from a title: transliterated to Latin letters by @sindresorhus/slugify ("é" → "e",
 * "ß" → "ss", Cyrillic, Greek, Arabic), lower case, words joined by single hyphens, none leading or
 * trailing. A title in a script it cannot transliterate (Chinese, Hebrew, Korean…) gets a short id
 * derived from the title, so the same title always gives the same slug.
 */
export function titleSlug(title: string): string {
  if (!title.trim()) return ''
  return slugify(title) || createHash('sha256').update(title.normalize('NFC')).digest('hex').slice(0, FALLBACK_LENGTH)
}
