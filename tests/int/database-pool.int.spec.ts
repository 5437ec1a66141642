/**
 * The connection pool stays whole when a transaction cannot begin (the database restarting, in
 * recovery): drizzle takes a pooled connection and sends BEGIN outside its try/finally, so a failed
 * BEGIN used to keep that connection checked out for good, and the pool shrank after every restart.
 */
import { sql } from '@payloadcms/db-postgres'
import type { Payload } from 'payload'
import { afterAll, beforeAll, expect, inject, it } from 'vitest'

import { startTestPayload, type TestPayload } from '../helpers/payload'

type Pool = { totalCount: number; idleCount: number; waitingCount: number; options: { max: number } }
type Drizzle = { transaction: <T>(run: (tx: { execute: (query: unknown) => Promise<{ rows: T[] }> }) => Promise<T>, config?: object) => Promise<T> }

const onPostgres = !inject('databaseServerUri')?.startsWith('mongodb')

let ctx: TestPayload
let payload: Payload
beforeAll(async () => {
  ctx = await startTestPayload({ DATABASE_POOL_MAX: '4' })
  payload = ctx.payload
})
afterAll(async () => {
  await ctx?.stop()
})

it.runIf(onPostgres)('gives back a connection whose BEGIN failed: the pool is back to full size and every connection works', async () => {
  const pool = (payload.db as unknown as { pool: Pool }).pool
  const drizzle = (payload.db as unknown as { drizzle: Drizzle }).drizzle
  const checkedOut = () => pool.totalCount - pool.idleCount
  const before = checkedOut()

  // More failed BEGINs than the pool has connections: each one used to keep its connection.
  for (let attempt = 0; attempt < pool.options.max + 2; attempt++) {
    await expect(drizzle.transaction(async () => undefined, { isolationLevel: 'no such level' })).rejects.toThrow()
  }
  expect(checkedOut()).toBe(before)

  // As many transactions at once as the pool has connections free: none waits for a lost one.
  const free = pool.options.max - before
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('a transaction waited for a connection that never came back')), 10_000))
  const answers = await Promise.race([
    Promise.all(Array.from({ length: free }, () => drizzle.transaction(async (tx) => (await tx.execute(sql`select 1 as one`)).rows[0]))),
    timeout,
  ])
  expect(answers).toHaveLength(free)
  expect(pool.waitingCount).toBe(0)
  expect(checkedOut()).toBe(before)
})
