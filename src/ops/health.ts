import { sql } from '@payloadcms/db-postgres'
import type { Redis } from 'ioredis'
import type { Payload } from 'payload'

import { isMongo, runSql } from '@/lib/postgres-sql'

export type Check = () => Promise<unknown>
export type CheckResult = { name: string; ok: boolean; ms: number; error?: string }

const CHECK_TIMEOUT_MS = 2_000

const within = <T>(promise: Promise<T>, ms: number) =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
    promise.then(resolve, reject).finally(() => clearTimeout(timer))
  })

/** Runs the checks at once, each with a deadline: a probe answers in about two seconds at worst. */
export async function runChecks(checks: Record<string, Check>): Promise<{ ok: boolean; checks: CheckResult[] }> {
  const results = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      const started = Date.now()
      try {
        await within(check(), CHECK_TIMEOUT_MS)
        return { name, ok: true, ms: Date.now() - started }
      } catch (error) {
        return { name, ok: false, ms: Date.now() - started, error: error instanceof Error ? error.message : String(error) }
      }
    }),
  )
  return { ok: results.every((result) => result.ok), checks: results }
}

/** The database answers a trivial query. */
export const databaseCheck =
  (payload: Payload): Check =>
  async () => {
    if (isMongo(payload)) await (payload.db as unknown as { connection: { db: { admin: () => { ping: () => Promise<unknown> } } } }).connection.db.admin().ping()
    else await runSql(payload, sql`select 1`)
  }

/** Redis answers PING. */
export const redisCheck =
  (redis: () => Promise<Redis> | Redis): Check =>
  async () => {
    const answer = await (await redis()).ping()
    if (answer !== 'PONG') throw new Error(`Redis answered ${answer}`)
  }

/** JSON for a health probe: 200 when every check passed, else 503, never cached. */
export function healthResponse(result: { ok: boolean; checks: CheckResult[] }): Response {
  return Response.json({ status: result.ok ? 'ok' : 'unavailable', checks: result.checks }, { status: result.ok ? 200 : 503, headers: { 'cache-control': 'no-store' } })
}
