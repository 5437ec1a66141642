import { sql } from '@payloadcms/db-postgres'
import type { PayloadRequest } from 'payload'

import type { ImportRow, RejectedRow } from '@/subscribers/csv-import'
import { commaSeparated, isMongo, runSql, sqlList } from '@/lib/postgres-sql'

export type ImportSettings = {
  /** Ask each new person to confirm by email (they start pending) rather than add them confirmed. */
  askToConfirm: boolean
  wordingVersion?: string | null
  /** Topics for rows that name none (topic ids). */
  defaultTopicIds: (number | string)[]
  /** Topic ids by slug, for rows that name theirs. */
  topicIdsBySlug: ReadonlyMap<string, number | string>
}

export type ImportOutcome = { addedIds: (number | string)[]; alreadySubscribed: number; rejected: RejectedRow[] }

const CHUNK = 1000
/** People who left: an import never brings them back. */
const LEFT = new Set(['unsubscribed', 'bounced', 'complained'])

const chunks = <T>(items: T[]) => Array.from({ length: Math.ceil(items.length / CHUNK) }, (_, index) => items.slice(index * CHUNK, (index + 1) * CHUNK))

async function existingStatuses(req: PayloadRequest, emails: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>()
  for (const chunk of chunks(emails)) {
    if (isMongo(req.payload)) {
      const { docs } = await req.payload.find({ collection: 'subscribers', where: { email: { in: chunk } }, pagination: false, depth: 0, select: { email: true, status: true }, req })
      for (const doc of docs) found.set(doc.email, doc.status)
    } else {
      const { rows } = await runSql<{ email: string; status: string }>(req.payload, sql`select email, status from subscribers where email in (${sqlList(chunk)})`, req)
      for (const row of rows) found.set(row.email, row.status)
    }
  }
  return found
}

/**
 * Adds the checked rows of an import inside the request's transaction (all of it is kept, or none):
 * new addresses become subscribers (confirmed, or pending when they are to be asked) with the import
 * as their consent source; an address already on the list is left as it is; an address whose owner
 * left (unsubscribed, bounced, complained) is refused, since an import must never bring back someone
 * who asked to go. On Postgres a thousand rows per statement, then fresh planner statistics (a big
 * import otherwise leaves the campaign queries planned for a small table).
 */
export async function importSubscribers(req: PayloadRequest, rows: ImportRow[], settings: ImportSettings): Promise<ImportOutcome> {
  const existing = await existingStatuses(
    req,
    rows.map((row) => row.email),
  )
  const rejected: RejectedRow[] = []
  let alreadySubscribed = 0
  const fresh: ImportRow[] = []
  for (const row of rows) {
    const status = existing.get(row.email)
    if (status === undefined) fresh.push(row)
    else if (LEFT.has(status)) rejected.push({ line: row.line, email: row.email, reason: `this address left the list (${status}); an import never re-subscribes a person who left` })
    else alreadySubscribed++
  }

  const now = new Date().toISOString()
  const status = settings.askToConfirm ? 'pending' : 'confirmed'
  const topicsOf = (row: ImportRow) => (row.topicSlugs ? row.topicSlugs.map((slug) => settings.topicIdsBySlug.get(slug)!) : settings.defaultTopicIds)
  const addedIds: (number | string)[] = []

  if (isMongo(req.payload)) {
    for (const row of fresh) {
      const doc = await req.payload.create({
        collection: 'subscribers',
        data: {
          email: row.email,
          status,
          urgentOnly: row.urgentOnly,
          topics: topicsOf(row) as number[],
          consent: { source: 'import', givenAt: row.consentedAt?.toISOString() ?? null, wordingVersion: settings.wordingVersion ?? null },
        },
        depth: 0,
        req,
      })
      addedIds.push(doc.id)
    }
    return { addedIds, alreadySubscribed, rejected }
  }

  for (const chunk of chunks(fresh)) {
    const values = commaSeparated(
      chunk.map(
        (row) =>
          sql`(${row.email}, ${status}, ${row.urgentOnly}, ${settings.askToConfirm ? null : now}, ${row.consentedAt?.toISOString() ?? null}, 'import', ${settings.wordingVersion ?? null}, ${now}, ${now})`,
      ),
    )
    const { rows: inserted } = await runSql<{ id: number; email: string }>(
      req.payload,
      sql`insert into subscribers (email, status, urgent_only, confirmed_at, consent_given_at, consent_source, consent_wording_version, updated_at, created_at)
          values ${values}
          on conflict (email) do nothing
          returning id, email`,
      req,
    )
    // Someone who signed up on the site meanwhile is already on the list.
    alreadySubscribed += chunk.length - inserted.length
    const idByEmail = new Map(inserted.map((row) => [row.email, row.id]))
    const rels = chunk.flatMap((row) => (idByEmail.has(row.email) ? topicsOf(row).map((topicId, order) => sql`(${order + 1}, ${idByEmail.get(row.email)!}, 'topics', ${topicId})`) : []))
    if (rels.length > 0) await runSql(req.payload, sql`insert into subscribers_rels ("order", parent_id, path, topics_id) values ${commaSeparated(rels)}`, req)
    addedIds.push(...inserted.map((row) => row.id))
  }
  if (addedIds.length > 0) await runSql(req.payload, sql`analyze subscribers`, req)
  return { addedIds, alreadySubscribed, rejected }
}

/** Ties the subscribers an import added to it, as their consent record's source. */
export async function linkToImport(req: PayloadRequest, importId: number | string, subscriberIds: (number | string)[]): Promise<void> {
  for (const chunk of chunks(subscriberIds)) {
    if (isMongo(req.payload)) {
      // One field of the consent group, in the request's session; Payload's update would rewrite the group.
      const model = (req.payload.db as unknown as { collections: Record<string, { updateMany: (filter: object, update: object, options: object) => Promise<unknown> }> }).collections.subscribers!
      const session = (req.payload.db as unknown as { sessions?: Record<string, unknown> }).sessions?.[String(await req.transactionID)]
      await model.updateMany({ _id: { $in: chunk } }, { $set: { 'consent.import': importId } }, session ? { session } : {})
    } else {
      await runSql(req.payload, sql`update subscribers set consent_import_id = ${importId} where id in (${sqlList(chunk)})`, req)
    }
  }
}
