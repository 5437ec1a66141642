import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { titleSlug } from '../../src/domain/title-slug'

const WELL_FORMED = /^[a-z0-9]+(-[a-z0-9]+)*$/

describe('a slug from a title', () => {
  it('transliterates to Latin letters instead of dropping them', () => {
    expect(titleSlug('R&D <script>alert(1)</script> "quotes" ]]> — émoji 🚨 العربية')).toBe('r-and-d-script-alert-1-script-quotes-emoji-alerbyt')
    expect(titleSlug('Café déjà vu')).toBe('cafe-deja-vu')
    expect(titleSlug('Straße')).toBe('strasse')
    expect(titleSlug('Москва: нехватка продуктов')).toBe('moskva-nekhvatka-produktov')
    expect(titleSlug('Αθήνα σήμερα')).toBe('athina-simera')
    // A combining accent is the same letter as the precomposed one.
    expect(titleSlug('e\u0301cole')).toBe('ecole')
  })

  it('gives a title no transliteration can spell a short id, the same for the same title', () => {
    const chinese = titleSlug('北京的食物银行')
    expect(chinese).toMatch(/^[0-9a-f]{8}$/)
    expect(titleSlug('北京的食物银行')).toBe(chinese)
    expect(titleSlug('上海的食物银行')).not.toBe(chinese)
    expect(titleSlug('🚨🚨')).toMatch(/^[0-9a-f]{8}$/)
  })

  it('is always lower-case letters and digits in words joined by single hyphens', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), (title) => {
        const slug = titleSlug(title)
        if (title.trim() === '') expect(slug).toBe('')
        else expect(slug).toMatch(WELL_FORMED)
      }),
      { numRuns: 2000 },
    )
    expect(titleSlug('  -- Food -- bank --  ')).toBe('food-bank')
  })
})
