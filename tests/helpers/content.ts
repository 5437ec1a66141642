import type { Payload } from 'payload'

import type { User } from '@/payload-types'

import { richText } from '../../src/seed/lexical'
import { pdfFile } from './files'

export type Status = 'draft' | 'published'

let counter = 0
const unique = (label: string) => `${label} ${++counter}`

export const body = richText('A paragraph of body text.')

const PASSWORD = 'a-long-test-password'

export async function createUser(payload: Payload, role: User['role'], email?: string): Promise<User> {
  return payload.create({
    collection: 'users',
    data: { email: email ?? `${role}-${++counter}@example.org`, password: PASSWORD, role },
  })
}

/** The Authorization header of `user` signed in, as the admin's API calls carry it. */
export async function authHeaders(payload: Payload, user: Pick<User, 'email'>): Promise<Record<string, string>> {
  const { token } = await payload.login({ collection: 'users', data: { email: user.email, password: PASSWORD } })
  return { authorization: `JWT ${token}` }
}

/** An announcement or report as `owner` wrote it, created without access checks. */
export async function createItem(
  payload: Payload,
  collection: 'announcements' | 'reports',
  options: { owner?: User; status?: Status; title?: string } = {},
) {
  const status = options.status ?? 'draft'
  const title = options.title ?? unique(`A ${collection.slice(0, -1)}`)
  const common = { title, summary: 'A short summary.', body, createdBy: options.owner?.id, _status: status }
  const draft = status === 'draft'
  if (collection === 'announcements') {
    const data = { ...common, urgency: 'standard' as const }
    return draft ? payload.create({ collection, data, draft }) : payload.create({ collection, data })
  }
  const file = await payload.create({ collection: 'documents', data: { title: `${title} PDF` }, file: pdfFile() })
  const data = { ...common, reportFile: file.id }
  return draft ? payload.create({ collection, data, draft }) : payload.create({ collection, data })
}
