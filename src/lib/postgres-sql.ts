import { sql } from '@payloadcms/db-postgres'
import type { Payload, PayloadRequest } from 'payload'

/** A statement built with drizzle's `sql` template. */
export type SQL = ReturnType<typeof sql>

export type SqlRows<Row = Record<string, unknown>> = { rows: Row[] }

type Executor = { execute: (query: SQL) => Promise<SqlRows> }
type PostgresAdapter = { drizzle: Executor; sessions?: Record<string, { db: Executor } | undefined> }

/**
 * Runs raw SQL on the Postgres adapters (server or embedded), for the few hot paths where Payload's
 * Local API costs too many round trips; inside `req`'s transaction when it has one, so the statement
 * commits or rolls back with the rest of the request (and, on the embedded database's single session,
 * does not wait for it). The MongoDB adapter has no SQL: callers check `isMongo` first.
 */
export async function runSql<Row = Record<string, unknown>>(payload: Payload, query: SQL, req?: Pick<PayloadRequest, 'transactionID'>): Promise<SqlRows<Row>> {
  const db = payload.db as unknown as PostgresAdapter
  const session = req?.transactionID ? db.sessions?.[String(await req.transactionID)] : undefined
  return (await (session?.db ?? db.drizzle).execute(query)) as SqlRows<Row>
}

/** SQL fragments joined with commas: the rows of a VALUES list, the columns of a SET. */
export const commaSeparated = (parts: SQL[]): SQL => sql.join(parts, sql`, `)

/** Values as a comma-separated list of parameters, for `in (…)`. */
export const sqlList = (values: readonly unknown[]): SQL => commaSeparated(values.map((value) => sql`${value}`))

export const isMongo = (payload: Payload) => payload.db.name === 'mongoose'
