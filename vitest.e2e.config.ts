import { defineConfig } from 'vitest/config'

/** End-to-end runs of the product as a person starts it (`npm start`), one process tree per file. */
export default defineConfig({
  resolve: { tsconfigPaths: true },
  test: {
    include: ['tests/e2e/**/*.e2e.spec.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 600_000,
  },
})
