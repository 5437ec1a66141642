import { randomBytes } from 'node:crypto'

import type { Payload } from 'payload'

/** Where the id is kept: Payload's key-value collection, whose keys are unique. */
const KEY = 'installation-id'

const known = new WeakMap<Payload, Promise<string>>()

/**
 * This database's installation id, made by whichever process of the installation first starts on
 * an empty database and kept in it: a restore brings it back, a reset (a new database) makes a new
 * one. The queues and everything else the installation keeps in Redis live under a namespace built
 * from it (`redisNamespace`), so two databases never meet in one Redis under one QUEUE_PREFIX: a
 * reset install never takes the jobs its predecessor left, and a staging copy pointed at
 * production's Redis has queues of its own.
 */
export function installationId(payload: Payload): Promise<string> {
  let id = known.get(payload)
  if (!id) {
    id = readOrCreate(payload)
    known.set(payload, id)
    // A failure (the database away at start) is not remembered: the next caller asks again.
    id.catch(() => known.delete(payload))
  }
  return id
}

async function readOrCreate(payload: Payload): Promise<string> {
  const read = async () => (await payload.kv.get<{ id: string }>(KEY))?.id
  const existing = await read()
  if (existing) return existing
  try {
    await payload.db.create({ collection: 'payload-kv', data: { key: KEY, data: { id: randomBytes(8).toString('hex') } } })
  } catch (error) {
    // Another process created it first (the key is unique): theirs is the id.
    const raced = await read()
    if (raced) return raced
    throw error
  }
  const created = await read()
  if (!created) throw new Error('The installation id was written but cannot be read back')
  return created
}

/**
 * The prefix of every Redis key of this installation: the operator's QUEUE_PREFIX (whose `{…}` hash
 * tag keeps a queue's keys in one Redis Cluster slot) and the installation id.
 */
export const redisNamespace = (queuePrefix: string, installation: string) => `${queuePrefix}-${installation}`

/** This process's Redis namespace, read from its database once. */
export async function installationNamespace(payload: Payload, queuePrefix: string): Promise<string> {
  return redisNamespace(queuePrefix, await installationId(payload))
}
