import { sql } from '@payloadcms/db-postgres'
import type { Payload, Where } from 'payload'

import { type Audience, type BatchRange, wantsAlert } from '@/channels/email/audience'
import { isMongo, runSql, type SQL, sqlList } from '@/lib/postgres-sql'

export type Recipient = { id: number | string; email: string }

type Range = { after?: number | string | null; upTo?: number | string }

const MONGO_PAGE = 1000

/**
 * `wantsAlert` as SQL over the subscribers table: confirmed by the snapshot, urgent-only people only
 * for urgent items, and (when the item has topics) people with no topics chosen or one in common.
 */
function audienceSql(audience: Audience, snapshotAt: Date): SQL {
  const conditions = [sql`s.status = 'confirmed'`, sql`s.confirmed_at <= ${snapshotAt.toISOString()}`]
  if (!audience.urgent) conditions.push(sql`s.urgent_only is not true`)
  if (audience.topicIds.length > 0) {
    const topics = sqlList(audience.topicIds.map(Number))
    conditions.push(sql`(
      not exists (select 1 from subscribers_rels r where r.parent_id = s.id and r.path = 'topics')
      or exists (select 1 from subscribers_rels r where r.parent_id = s.id and r.path = 'topics' and r.topics_id in (${topics}))
    )`)
  }
  return sql.join(conditions, sql` and `)
}

/** MongoDB has no SQL: the Local API, a page at a time by id, filtered with `wantsAlert`. */
async function* mongoSubscribers(payload: Payload, audience: Audience, snapshotAt: Date, range: Range): AsyncGenerator<Recipient[]> {
  let cursor = range.after ?? null
  for (;;) {
    const and: Where[] = [{ status: { equals: 'confirmed' } }, { confirmedAt: { less_than_equal: snapshotAt.toISOString() } }]
    if (cursor !== null) and.push({ id: { greater_than: cursor } })
    if (range.upTo !== undefined) and.push({ id: { less_than_equal: range.upTo } })
    const { docs } = await payload.find({
      collection: 'subscribers',
      where: { and },
      sort: 'id',
      limit: MONGO_PAGE,
      pagination: false,
      depth: 0,
      select: { email: true, topics: true, urgentOnly: true },
    })
    if (docs.length === 0) return
    yield docs.filter((subscriber) => wantsAlert(audience, subscriber)).map((subscriber) => ({ id: subscriber.id, email: subscriber.email }))
    if (docs.length < MONGO_PAGE) return
    cursor = docs.at(-1)!.id
  }
}

/**
 * The subscribers of one batch (ids in (after, upTo]) who still want the alert. On Postgres one SQL
 * statement: the Local API reads about 7,000 rows a second here, too slow for a million.
 */
export async function batchRecipients(payload: Payload, audience: Audience, snapshotAt: Date, batch: Range): Promise<Recipient[]> {
  if (isMongo(payload)) {
    const recipients: Recipient[] = []
    for await (const page of mongoSubscribers(payload, audience, snapshotAt, batch)) recipients.push(...page)
    return recipients
  }
  const { rows } = await runSql<Recipient>(
    payload,
    sql`select s.id, s.email from subscribers s
        where ${audienceSql(audience, snapshotAt)}
          ${batch.after == null ? sql`` : sql`and s.id > ${batch.after}`}
          ${batch.upTo === undefined ? sql`` : sql`and s.id <= ${batch.upTo}`}
        order by s.id`,
  )
  return rows
}

/**
 * Cuts the audience into batches of at most `batchSize`, by id. On Postgres the database numbers the
 * matching rows and returns every batchSize-th id (a million subscribers never cross the wire); on
 * MongoDB the audience is streamed and counted a page at a time. Either way it is never all in memory.
 */
export async function planBatches(payload: Payload, audience: Audience, snapshotAt: Date, batchSize: number): Promise<{ batches: BatchRange[]; recipients: number }> {
  const bounds: { upTo: number | string; position: number }[] = []
  let recipients = 0
  if (!isMongo(payload)) {
    const { rows } = await runSql<{ id: number; position: string; total: string }>(
      payload,
      sql`select id, position, total from (
            select s.id, row_number() over (order by s.id) as position, count(*) over () as total
            from subscribers s where ${audienceSql(audience, snapshotAt)}
          ) numbered
          where position % ${batchSize} = 0 or position = total
          order by id`,
    )
    for (const row of rows) bounds.push({ upTo: row.id, position: Number(row.position) })
    recipients = Number(rows[0]?.total ?? 0)
  } else {
    let last: Recipient | undefined
    for await (const page of mongoSubscribers(payload, audience, snapshotAt, {})) {
      for (const recipient of page) {
        recipients++
        last = recipient
        if (recipients % batchSize === 0) bounds.push({ upTo: recipient.id, position: recipients })
      }
    }
    if (last && recipients % batchSize !== 0) bounds.push({ upTo: last.id, position: recipients })
  }
  const batches = bounds.map((bound, index) => {
    const previous = bounds[index - 1]
    return { after: previous?.upTo ?? null, upTo: bound.upTo, count: bound.position - (previous?.position ?? 0) }
  })
  return { batches, recipients }
}
