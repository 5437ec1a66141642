/**
 * Brings the database to a usable state before the app starts: migrations (production) or schema push
 * (development) happen as Payload initialises; then a first admin on an empty install, and demo content
 * on an empty database.
 */
import '../src/lib/load-dotenv'

import { getEnv } from '../src/lib/env'
import { runMain } from '../src/lib/run-main'
import { seedDemoContent } from '../src/seed/demo-content'
import { ensureFirstAdmin } from '../src/seed/first-admin'

await runMain(async () => {
  const env = getEnv()
  const { getPayload } = await import('payload')
  const { default: config } = await import('../payload.config')
  const payload = await getPayload({ config })
  await ensureFirstAdmin(payload, env)
  if (await seedDemoContent(payload)) console.log('Demo content seeded: an urgent announcement and a report with its PDF.')
  process.exit(0)
})
