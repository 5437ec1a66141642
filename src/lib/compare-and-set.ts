import { sql } from '@payloadcms/db-postgres'
import type { CollectionSlug, Payload } from 'payload'

import { commaSeparated, isMongo, runSql, sqlList } from '@/lib/postgres-sql'

type MongoDb = {
  collections: Record<string, { findOneAndUpdate: (filter: object, update: object, options: object) => Promise<unknown> }>
}

/** A column to set alongside the state: its Postgres column, its Payload field, and the value. */
export type StateColumn = { column: string; field: string; value: string | number | boolean | Date | null }

/**
 * Moves a row to state `to` only if it is in one of `from`, atomically, setting `columns` with it (and
 * adding one to `increment`, when named), and says whether it did. Two workers racing for the same row
 * cannot both win. A single UPDATE … WHERE state IN (…) on Postgres, findOneAndUpdate on MongoDB;
 * Payload's update-by-where reads then writes, which is not atomic.
 */
export async function compareAndSetState(
  payload: Payload,
  target: { collection: CollectionSlug; table: string },
  id: number | string,
  from: readonly string[],
  to: string,
  columns: StateColumn[] = [],
  increment?: { column: string; field: string },
): Promise<boolean> {
  const now = new Date()
  if (isMongo(payload)) {
    const set: Record<string, unknown> = { state: to, updatedAt: now }
    for (const column of columns) set[column.field] = column.value
    const updated = await (payload.db as unknown as MongoDb).collections[target.collection]!.findOneAndUpdate(
      { _id: id, state: { $in: from } },
      { $set: set, ...(increment ? { $inc: { [increment.field]: 1 } } : {}) },
      { new: true },
    )
    return Boolean(updated)
  }

  const assignments = [sql`state = ${to}`, sql`updated_at = ${now.toISOString()}`]
  for (const { column, value } of columns) assignments.push(sql`${sql.raw(column)} = ${value instanceof Date ? value.toISOString() : value}`)
  if (increment) assignments.push(sql`${sql.raw(increment.column)} = ${sql.raw(increment.column)} + 1`)
  const result = await runSql(
    payload,
    sql`update ${sql.raw(target.table)} set ${commaSeparated(assignments)} where id = ${id} and state::text in (${sqlList(from)}) returning id`,
  )
  return result.rows.length === 1
}
