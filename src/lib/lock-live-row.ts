import { sql } from '@payloadcms/db-postgres'
import type { PayloadRequest } from 'payload'

type Executor = { execute: (query: unknown) => Promise<unknown> }
type PostgresDb = { name: string; drizzle: Executor; sessions?: Record<string, { db: Executor } | undefined> }

/**
 * Locks an item's live row for the rest of this request's transaction (SELECT … FOR UPDATE), so two
 * editors saving the same item at once are serialised: the second sees the first's result, and two
 * concurrent publishes become one "publish" and one "update", never two publishes (two campaigns).
 * MongoDB aborts one of two conflicting transactions itself; outside a transaction there is nothing to hold.
 */
export async function lockLiveRow(req: PayloadRequest, table: string, id: number | string): Promise<void> {
  const db = req.payload.db as unknown as PostgresDb
  if (db.name === 'mongoose' || !req.transactionID) return
  const session = db.sessions?.[String(await req.transactionID)]
  if (!session) return
  await session.db.execute(sql`select id from ${sql.identifier(table)} where id = ${id} for update`)
}
