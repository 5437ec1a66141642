import { describe, expect, it } from 'vitest'

import { ConfigError } from '../../src/lib/config-error'
import { credentialsKey, isSealed, seal, unseal } from '../../src/lib/credential-seal'

const env = { SOCIAL_CREDENTIALS_KEY: 'ab'.repeat(32), PAYLOAD_SECRET: 'x'.repeat(40), NODE_ENV: 'production' as const }

describe('sealed credentials', () => {
  it('open to the same text with the key, and differ each time they are sealed', () => {
    const key = credentialsKey(env)
    const first = seal('app-password-1234', key)
    const second = seal('app-password-1234', key)
    expect(isSealed(first)).toBe(true)
    expect(first).not.toBe(second)
    expect(first).not.toContain('app-password')
    expect(unseal(first, key)).toBe('app-password-1234')
    expect(unseal(second, key)).toBe('app-password-1234')
  })

  it('do not open when altered or with another key', () => {
    const key = credentialsKey(env)
    const sealed = seal('token', key)
    const altered = `${sealed.slice(0, -2)}${sealed.endsWith('A') ? 'B' : 'A'}A`
    expect(() => unseal(altered, key)).toThrow()
    expect(() => unseal(sealed, credentialsKey({ ...env, SOCIAL_CREDENTIALS_KEY: 'cd'.repeat(32) }))).toThrow()
    expect(() => unseal('plain text', key)).toThrow('This credential was not sealed')
  })

  it('need SOCIAL_CREDENTIALS_KEY in production; elsewhere a key derived from PAYLOAD_SECRET stands in', () => {
    expect(() => credentialsKey({ ...env, SOCIAL_CREDENTIALS_KEY: undefined })).toThrow(ConfigError)
    expect(() => credentialsKey({ ...env, SOCIAL_CREDENTIALS_KEY: 'c'.repeat(50) })).toThrow(/must be 32 bytes/)
    const development = credentialsKey({ ...env, SOCIAL_CREDENTIALS_KEY: undefined, NODE_ENV: 'development' })
    expect(development).toHaveLength(32)
    expect(credentialsKey({ ...env, SOCIAL_CREDENTIALS_KEY: Buffer.alloc(32, 7).toString('base64') })).toEqual(Buffer.alloc(32, 7))
  })
})
