import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { tsconfigPaths: true },
  test: {
    include: ['tests/unit/**/*.spec.ts', 'tests/int/**/*.spec.ts'],
    globalSetup: ['tests/helpers/global-setup.ts'],
    // Each test file gets its own process, its own database and its own queue prefix.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 180_000,
    env: { LOG_LEVEL: 'warn' },
  },
})
