import type { TestProject } from 'vitest/node'

import { redactUri } from '../../src/lib/database-check'
import { redisAnswers, redisServerInstalled, startOwnRedis, type OwnRedis } from './redis-server'

declare module 'vitest' {
  export interface ProvidedContext {
    /** The database server given by DATABASE_URI, in which each test file creates its own database; unset: embedded PGlite per file. */
    databaseServerUri: string | undefined
    redisUrl: string
  }
}

/** Runs once per `npm test`: finds the database server and Redis every test file will use. */
export default async function setup(project: TestProject) {
  const databaseServerUri = process.env.DATABASE_URI || undefined
  project.provide('databaseServerUri', databaseServerUri)
  console.log(
    databaseServerUri
      ? `tests: database server ${redactUri(databaseServerUri)} (a fresh database per test file)`
      : 'tests: embedded PostgreSQL (PGlite, a fresh in-memory database per test file)',
  )

  let ownRedis: OwnRedis | undefined
  let redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379'
  if (!(await redisAnswers(redisUrl))) {
    if (!redisServerInstalled()) {
      throw new Error(`Redis does not answer at ${redisUrl} and no redis-server is installed: start Redis or set REDIS_URL (apt-get install redis-server)`)
    }
    ownRedis = await startOwnRedis()
    redisUrl = ownRedis.url
    console.log(`tests: Redis did not answer, started redis-server at ${redisUrl}`)
  }
  project.provide('redisUrl', redisUrl)

  return async () => {
    await ownRedis?.stop()
  }
}
