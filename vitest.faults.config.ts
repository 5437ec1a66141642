import { defineConfig } from 'vitest/config'

/** `npm run test:faults`: the whole pipeline under kills, restarts and provider errors (issue 9). */
export default defineConfig({
  resolve: { tsconfigPaths: true },
  test: {
    include: ['tests/faults/**/*.faults.spec.ts'],
    globalSetup: ['tests/helpers/global-setup.ts'],
    pool: 'forks',
    testTimeout: 900_000,
    hookTimeout: 300_000,
    env: { LOG_LEVEL: 'warn' },
  },
})
