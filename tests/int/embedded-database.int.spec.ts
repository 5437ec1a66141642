/**
 * The embedded PostgreSQL shared by many connections, as the app's and the workers' pools share it.
 * With pglite-socket's own queue, queries interleaved with other connections' transactions below fail
 * ("portal \"\" does not exist", "bind message supplies 1 parameters, but prepared statement requires
 * 6"); PGliteProtocolQueue must not.
 */
import pg from 'pg'
import { afterAll, beforeAll, expect, it } from 'vitest'

import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../src/lib/embedded-database'
import { freePort } from '../helpers/free-port'

let database: EmbeddedDatabase
let pool: pg.Pool

beforeAll(async () => {
  database = await startEmbeddedDatabase({ host: '127.0.0.1', port: await freePort() })
  pool = new pg.Pool({ connectionString: database.uri, max: 8 })
  await pool.query('create table counters (name text primary key, value int not null)')
})
afterAll(async () => {
  await pool?.end()
  await database?.stop()
})

it('answers interleaved parameterised queries from many connections correctly', async () => {
  const results = await Promise.all(
    Array.from({ length: 400 }, (_, i) => pool.query<{ a: number; b: string }>('select $1::int as a, $2::text as b', [i, `row ${i}`])),
  )
  results.forEach((result, i) => expect(result.rows).toEqual([{ a: i, b: `row ${i}` }]))
})

it('keeps transactions whole while other connections query', async () => {
  await pool.query(`insert into counters values ('total', 0)`)
  const increment = async () => {
    const client = await pool.connect()
    try {
      await client.query('begin')
      const { rows } = await client.query<{ value: number }>('select value from counters where name = $1', ['total'])
      await client.query('update counters set value = $1 where name = $2', [rows[0]!.value + 1, 'total'])
      await client.query('commit')
    } finally {
      client.release()
    }
  }
  const readers = Array.from({ length: 200 }, (_, i) => pool.query<{ a: number }>('select $1::int as a, $2::text as b, $3::text as c', [i, 'x', 'y']))
  const [, read] = await Promise.all([Promise.all(Array.from({ length: 50 }, increment)), Promise.all(readers)])
  read.forEach((result, i) => expect(result.rows[0]!.a).toBe(i))
  const { rows } = await pool.query<{ value: number }>('select value from counters where name = $1', ['total'])
  expect(rows[0]!.value).toBe(50)
})

it('releases a dropped connection’s open transaction', async () => {
  const client = new pg.Client({ connectionString: database.uri })
  client.on('error', () => undefined) // it is about to lose its connection on purpose
  await client.connect()
  await client.query('begin')
  await client.query(`insert into counters values ('abandoned', 1)`)
  client.connection.stream.destroy() // the process holding it died
  const { rows } = await pool.query('select count(*)::int as n from counters where name = $1', ['abandoned'])
  expect(rows).toEqual([{ n: 0 }])
})
