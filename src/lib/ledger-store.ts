import { sql } from '@payloadcms/db-postgres'
import type { Payload } from 'payload'

import type { DeliveryState, Ledger, LedgerPatch, UnitSpec } from '@/delivery/ledger'
import { compareAndSetState } from '@/lib/compare-and-set'
import { commaSeparated, isMongo, runSql } from '@/lib/postgres-sql'
import type { Delivery } from '@/payload-types'

const columns: Record<keyof Omit<LedgerPatch, 'countAttempt'>, string> = {
  lastError: 'last_error',
  detail: 'detail',
  sendingAt: 'sending_at',
  sentAt: 'sent_at',
  interruptedAt: 'interrupted_at',
  resolvedBy: 'resolved_by_id',
}

const DELIVERIES = { collection: 'deliveries', table: 'deliveries' } as const

/**
 * The one way a delivery changes state: moves it to `to` only if it is in one of `from`, atomically
 * (`compareAndSetState`), and says whether it did. Two workers racing for the same unit cannot both win.
 */
export async function compareAndSetDelivery(
  payload: Payload,
  id: number | string,
  from: DeliveryState[],
  to: DeliveryState,
  patch: LedgerPatch = {},
): Promise<boolean> {
  const set = (Object.keys(columns) as (keyof typeof columns)[])
    .filter((field) => patch[field] !== undefined)
    .map((field) => ({ column: columns[field], field, value: patch[field]! }))
  return compareAndSetState(payload, DELIVERIES, id, from, to, set, patch.countAttempt ? { column: 'attempts', field: 'attempts' } : undefined)
}

/**
 * The ledger row of a unit, created `pending` the first time the unit is planned; safe to race. On
 * Postgres one INSERT … ON CONFLICT DO NOTHING, since this runs for every unit and Payload's create
 * (a transaction, validation, a re-read) costs several round trips; MongoDB goes through Payload.
 */
export async function ensureDelivery(payload: Payload, unit: UnitSpec): Promise<Delivery> {
  const find = () => payload.db.findOne<Delivery>({ collection: 'deliveries', where: { unitKey: { equals: unit.unitKey } } })
  const existing = await find()
  if (existing) return existing

  if (!isMongo(payload)) {
    const now = new Date().toISOString()
    await runSql(
      payload,
      sql`insert into deliveries (event_id, collection, item_id, channel, unit_key, state, urgency, size, attempts, updated_at, created_at)
          values (${unit.event}, ${unit.collection}, ${unit.itemId}, ${unit.channel}, ${unit.unitKey}, 'pending', ${unit.urgency}, ${unit.size ?? 1}, 0, ${now}, ${now})
          on conflict (unit_key) do nothing`,
    )
    const row = await find()
    if (!row) throw new Error(`Delivery ${unit.unitKey} was neither inserted nor found`)
    return row
  }

  try {
    return await payload.create({
      collection: 'deliveries',
      depth: 0,
      data: { ...unit, event: unit.event as number, state: 'pending', attempts: 0, size: unit.size ?? 1 },
    })
  } catch (error) {
    // Another worker created it between our read and our write: the unique unit key kept one row.
    const raced = await find()
    if (raced) return raced
    throw error
  }
}

const ENSURE_CHUNK = 500

/**
 * The ledger rows of many units at once (by unit key), creating the missing ones `pending`: what a
 * channel job does before delivering a thousand batches. On Postgres two statements per 500 units
 * instead of three per unit; MongoDB one unit at a time through `ensureDelivery`. Rows read now may be
 * stale by the time their unit's turn comes; that is safe, as every state change is a compare-and-set.
 */
export async function ensureDeliveries(payload: Payload, units: UnitSpec[]): Promise<Map<string, Delivery>> {
  const rows = new Map<string, Delivery>()
  if (isMongo(payload)) {
    for (const unit of units) rows.set(unit.unitKey, await ensureDelivery(payload, unit))
    return rows
  }
  for (let start = 0; start < units.length; start += ENSURE_CHUNK) {
    const chunk = units.slice(start, start + ENSURE_CHUNK)
    const now = new Date().toISOString()
    const values = commaSeparated(
      chunk.map((unit) => sql`(${unit.event}, ${unit.collection}, ${unit.itemId}, ${unit.channel}, ${unit.unitKey}, 'pending', ${unit.urgency}, ${unit.size ?? 1}, 0, ${now}, ${now})`),
    )
    await runSql(
      payload,
      sql`insert into deliveries (event_id, collection, item_id, channel, unit_key, state, urgency, size, attempts, updated_at, created_at)
          values ${values}
          on conflict (unit_key) do nothing`,
    )
    const { docs } = await payload.db.find<Delivery>({ collection: 'deliveries', where: { unitKey: { in: chunk.map((unit) => unit.unitKey) } }, pagination: false, limit: 0 })
    for (const doc of docs) rows.set(doc.unitKey, doc)
  }
  const missing = units.find((unit) => !rows.has(unit.unitKey))
  if (missing) throw new Error(`Delivery ${missing.unitKey} was neither inserted nor found`)
  return rows
}

/** The ledger in this installation's database, as delivery uses it. */
export const databaseLedger = (payload: Payload): Ledger => ({
  compareAndSet: (id, from, to, patch) => compareAndSetDelivery(payload, id, from, to, patch),
  ensure: (units) => ensureDeliveries(payload, units),
})
