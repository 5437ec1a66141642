/**
 * Side-effect import, placed first in every non-Next entry point: reads `.env` (if there is one) into
 * process.env before any module parses the environment. Next.js and the Payload CLI do this themselves.
 */
try {
  process.loadEnvFile('.env')
} catch (error) {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
}
