/**
 * Production runs the shipped migrations, never a schema push: they must match the config, and they
 * must bring an empty database to a working, seeded install through the same script `npm start` runs.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import type { Payload } from 'payload'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

import { startTestDatabase, type TestDatabase } from '../helpers/database'
import { startTestPayload, type TestPayload } from '../helpers/payload'
import { runScript } from '../helpers/run-script'

const onPostgres = !inject('databaseServerUri')?.startsWith('mongodb')
const migrationDir = path.resolve('src/migrations')

type DrizzleKit = {
  generateDrizzleJson: (schema: unknown) => Promise<unknown>
  generateMigration: (before: unknown, after: unknown) => Promise<string[]>
}

describe.runIf(onPostgres)('shipped migrations', () => {
  let ctx: TestPayload
  let payload: Payload
  beforeAll(async () => {
    ctx = await startTestPayload()
    payload = ctx.payload
  })
  afterAll(async () => {
    await ctx?.stop()
  })

  it('match the collections and fields in the config (run `npx payload migrate:create <name>` after a schema change)', async () => {
    const db = payload.db as unknown as { requireDrizzleKit: () => DrizzleKit; schema: unknown }
    const { generateDrizzleJson, generateMigration } = db.requireDrizzleKit()
    const latest = fs.readdirSync(migrationDir).filter((file) => file.endsWith('.json')).sort().at(-1)
    expect(latest).toBeDefined()
    const before = JSON.parse(fs.readFileSync(path.join(migrationDir, latest!), 'utf8'))
    expect(await generateMigration(before, await generateDrizzleJson(db.schema))).toEqual([])
  })

  describe('on an empty database in production mode', () => {
    let database: TestDatabase
    let dataDir: string
    beforeAll(async () => {
      database = await startTestDatabase()
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prepare-'))
    })
    afterAll(async () => {
      await database?.stop()
      fs.rmSync(dataDir, { recursive: true, force: true })
    })

    const prepare = (env: Record<string, string> = {}) =>
      runScript('scripts/prepare.ts', {
        NODE_ENV: 'production',
        DATABASE_URI: database.uri,
        DATA_DIR: dataDir,
        PAYLOAD_SECRET: 'y'.repeat(40),
        ADMIN_EMAIL: 'owner@example.org',
        ADMIN_PASSWORD: 'a-long-admin-password',
        LOG_LEVEL: 'warn',
        ...env,
      })
    /** The log lines (JSON) whose message names PUBLIC_URL. */
    const publicUrlLines = (stdout: string) => stdout.split('\n').filter((line) => line.startsWith('{') && (JSON.parse(line) as { msg?: string }).msg?.startsWith('PUBLIC_URL'))

    it('migrates, creates the first admin and seeds the demo content, once', async () => {
      const first = await prepare()
      expect(first.stderr).toBe('')
      expect(first.status).toBe(0)
      expect(first.stdout).toContain('First admin created: owner@example.org (password from ADMIN_PASSWORD)')
      expect(first.stdout).toContain('Demo content seeded')

      // PUBLIC_URL unset: production on http://localhost:3000 says once what that breaks.
      expect(publicUrlLines(first.stdout).map((line) => JSON.parse(line) as { level: number; msg: string })).toEqual([
        expect.objectContaining({ level: 40, msg: expect.stringMatching(/^PUBLIC_URL \(http:\/\/localhost:3000\) is not https: .*List-Unsubscribe.* set PUBLIC_URL to its https:\/\/ address\.$/) }),
      ])

      const second = await prepare({ PUBLIC_URL: 'https://news.example.org' })
      expect(second.status).toBe(0)
      expect(second.stdout).not.toContain('First admin created')
      expect(second.stdout).not.toContain('Demo content seeded')
      expect(publicUrlLines(second.stdout)).toEqual([])

      const client = new pg.Client({ connectionString: database.uri })
      await client.connect()
      try {
        const migrations = await client.query<{ name: string }>(`select name from payload_migrations where name <> 'dev' order by name`)
        const shipped = fs.readdirSync(migrationDir).filter((file) => file.endsWith('.json')).map((file) => file.replace(/\.json$/, ''))
        expect(migrations.rows.map((row) => row.name)).toEqual(shipped.sort())
        const users = await client.query<{ email: string; role: string }>('select email, role from users')
        expect(users.rows).toEqual([{ email: 'owner@example.org', role: 'admin' }])
        const live = await client.query<{ urgency: string }>(`select urgency from announcements where _status = 'published'`)
        expect(live.rows).toEqual([{ urgency: 'urgent' }])
        const reports = await client.query<{ filename: string; filesize: number; mime_type: string }>(
          `select d.filename, d.filesize, d.mime_type from reports r join documents d on d.id = r.report_file_id where r._status = 'published'`,
        )
        expect(reports.rows).toHaveLength(1)
        expect(reports.rows[0]!.mime_type).toBe('application/pdf')
        const stored = fs.readFileSync(path.join(dataDir, 'uploads', 'documents', reports.rows[0]!.filename))
        expect(stored.subarray(0, 5).toString()).toBe('%PDF-')
        expect(stored.length).toBe(Number(reports.rows[0]!.filesize))
      } finally {
        await client.end()
      }
    })
  })
})
