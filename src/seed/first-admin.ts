import { randomBytes } from 'node:crypto'

import type { Payload } from 'payload'

import type { Env } from '@/lib/env'

/**
 * An install with no accounts gets one admin: from ADMIN_EMAIL/ADMIN_PASSWORD, or with a generated
 * password printed once (it is stored only as Payload's hash).
 */
export async function ensureFirstAdmin(payload: Payload, env: Env): Promise<void> {
  const { totalDocs } = await payload.count({ collection: 'users' })
  if (totalDocs > 0) return
  const email = env.ADMIN_EMAIL ?? 'admin@example.org'
  const password = env.ADMIN_PASSWORD ?? randomBytes(12).toString('base64url')
  await payload.create({ collection: 'users', data: { email, password, name: 'Administrator', role: 'admin' } })
  if (env.ADMIN_PASSWORD) {
    console.log(`First admin created: ${email} (password from ADMIN_PASSWORD)`)
  } else {
    console.log(`First admin created: ${email} / ${password}  (shown once: change it under Account after signing in)`)
  }
}
