import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'

import { ConfigError } from './config-error'
import type { Env } from './env'

const PREFIX = 'sealed:v1:'

/**
 * The key that seals social accounts' credentials at rest: SOCIAL_CREDENTIALS_KEY (32 bytes, as 64 hex
 * characters or base64). Outside production, without one, a key derived from PAYLOAD_SECRET, so the
 * local demo works; production refuses to seal without the real key.
 */
export function credentialsKey(env: Pick<Env, 'SOCIAL_CREDENTIALS_KEY' | 'PAYLOAD_SECRET' | 'NODE_ENV'>): Buffer {
  if (env.SOCIAL_CREDENTIALS_KEY) {
    const text = env.SOCIAL_CREDENTIALS_KEY
    const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64')
    if (key.length !== 32) throw new ConfigError('Invalid configuration: SOCIAL_CREDENTIALS_KEY must be 32 bytes, as 64 hex characters or base64 (`openssl rand -hex 32`)')
    return key
  }
  if (env.NODE_ENV === 'production') throw new ConfigError('Set SOCIAL_CREDENTIALS_KEY (`openssl rand -hex 32`) before adding social accounts: their credentials are encrypted with it.')
  return Buffer.from(hkdfSync('sha256', env.PAYLOAD_SECRET, 'social-credentials', 'development key', 32))
}

export const isSealed = (value: string) => value.startsWith(PREFIX)

/** AES-256-GCM: a fresh IV per value, the tag checked on opening (a tampered value does not open). */
export function seal(plain: string, key: Buffer): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
  return `${PREFIX}${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`
}

export function unseal(sealed: string, key: Buffer): string {
  if (!isSealed(sealed)) throw new Error('This credential was not sealed')
  const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64url')
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12))
  decipher.setAuthTag(raw.subarray(12, 28))
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')
}
